#include "agent/ack_tracker.h"

#include <gtest/gtest.h>

namespace kj::agent {
namespace {

Checkpoint at(const std::string& cursor) {
  Checkpoint c;
  c.journal_cursor = cursor;
  return c;
}

TEST(AckTracker, CommitsOnlyWhenEveryExporterIsDoneInOrder) {
  size_t freed = 0;
  AckTracker t(1, 2, [&](size_t b) { freed += b; });
  t.add(0, 1, at("c1"), 100, 0, 1);
  t.add(0, 2, at("c2"), 200, 0, 2);
  t.add(0, 3, at("c3"), 300, 0, 3);
  EXPECT_FALSE(t.committed(0));

  // Exporter A finishes everything; exporter B only the second chunk (out of order across
  // exporters is possible: B's first batch may still be retrying).
  t.ack(0, 1);
  t.ack(0, 2);
  t.ack(0, 3);
  EXPECT_FALSE(t.committed(0));
  t.ack(0, 2);
  EXPECT_FALSE(t.committed(0)) << "chunk 1 is not done for exporter B";
  EXPECT_EQ(freed, 200u) << "chunk 2's memory is free, its position is not committed";

  t.ack(0, 1);
  ASSERT_TRUE(t.committed(0));
  EXPECT_EQ(t.committed(0)->position.journal_cursor, "c2");
  EXPECT_EQ(t.pending(), 1u);
  t.ack(0, 3);
  EXPECT_EQ(t.committed(0)->position.journal_cursor, "c3");
  EXPECT_EQ(freed, 600u);
  EXPECT_EQ(t.pending(), 0u);
  EXPECT_EQ(t.oldest_pending_sealed_ns(0), 0);
}

TEST(AckTracker, SourcesAreIndependent) {
  AckTracker t(2, 1, nullptr);
  t.add(0, 1, at("a1"), 1, 0, 1);
  t.add(1, 1, at("b1"), 1, 0, 1);
  t.ack(1, 1);
  EXPECT_FALSE(t.committed(0));
  EXPECT_EQ(t.committed(1)->position.journal_cursor, "b1");
  const uint64_t v = t.committed(1)->version;
  t.add(1, 2, at("b2"), 1, 0, 1);
  t.ack(1, 2);
  EXPECT_GT(t.committed(1)->version, v);
}

TEST(AckTracker, RejectsMisuse) {
  AckTracker t(1, 1, nullptr);
  t.add(0, 5, at("x"), 1, 0, 1);
  EXPECT_THROW(t.add(0, 5, at("y"), 1, 0, 1), std::logic_error);
  EXPECT_THROW(t.ack(0, 7), std::logic_error);
  EXPECT_THROW(AckTracker(1, 0, nullptr), std::invalid_argument);
}

}  // namespace
}  // namespace kj::agent
