#include "cli/timeline_merger.h"

#include <gtest/gtest.h>

#include <cctype>
#include <deque>
#include <random>

namespace kj::cli {
namespace {

// A source over a fixed list, entries "<time> <name>"; `available` limits what it delivers
// before wait() (follow).
class ListSource : public EntrySource {
 public:
  ListSource(std::vector<int64_t> times, std::string name, size_t available = SIZE_MAX)
      : name_(std::move(name)), available_(available) {
    for (auto t : times) pending_.push_back(t);
  }
  bool peek(int64_t& key) override {
    if (pending_.empty() || available_ == 0) return false;
    key = pending_.front();
    return true;
  }
  void take(std::string& out) override {
    out += std::to_string(pending_.front()) + " " + name_;
    pending_.pop_front();
    --available_;
  }
  bool finished() const override { return pending_.empty(); }
  void wait(uint64_t) override { available_ = SIZE_MAX; }

 private:
  std::deque<int64_t> pending_;
  std::string name_;
  size_t available_;
};

std::vector<std::pair<int64_t, std::string>> drain(TimelineMerger& m) {
  std::vector<std::pair<int64_t, std::string>> out;
  std::string entry;
  while (m.next(entry)) {
    const size_t blank = entry.find(' ');
    out.emplace_back(std::stoll(entry.substr(0, blank)), entry.substr(blank + 1));
    entry.clear();
  }
  return out;
}

TEST(TimelineMerger, MergesSortedSourcesStably) {
  std::vector<std::unique_ptr<EntrySource>> s;
  s.push_back(std::make_unique<ListSource>(std::vector<int64_t>{1, 4, 4, 9}, "journal"));
  s.push_back(std::make_unique<ListSource>(std::vector<int64_t>{2, 4, 10}, "a.log"));
  s.push_back(std::make_unique<ListSource>(std::vector<int64_t>{}, "empty.log"));
  TimelineMerger m(std::move(s), false);
  const auto got = drain(m);
  const std::vector<std::pair<int64_t, std::string>> want = {
      {1, "journal"}, {2, "a.log"},   {4, "journal"}, {4, "journal"},
      {4, "a.log"},   {9, "journal"}, {10, "a.log"}};
  EXPECT_EQ(got, want);  // equal times: the earlier source first, each source in its order
  EXPECT_TRUE(m.finished());
}

TEST(TimelineMerger, Reverse) {
  std::vector<std::unique_ptr<EntrySource>> s;
  s.push_back(std::make_unique<ListSource>(std::vector<int64_t>{9, 5, 1}, "j"));
  s.push_back(std::make_unique<ListSource>(std::vector<int64_t>{7, 6}, "f"));
  TimelineMerger m(std::move(s), true);
  std::vector<int64_t> times;
  for (auto& [t, n] : drain(m)) times.push_back(t);
  EXPECT_EQ(times, (std::vector<int64_t>{9, 7, 6, 5, 1}));
}

TEST(TimelineMerger, FollowDoesNotWaitForQuietSources) {
  std::vector<std::unique_ptr<EntrySource>> s;
  s.push_back(std::make_unique<ListSource>(std::vector<int64_t>{1, 2, 3}, "busy", 3));
  s.push_back(std::make_unique<ListSource>(std::vector<int64_t>{0}, "quiet", 0));
  TimelineMerger m(std::move(s), false);
  EXPECT_EQ(drain(m).size(), 3u);  // the quiet source holds nothing back
  EXPECT_FALSE(m.finished());
  m.wait(0);
  const auto late = drain(m);
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(late[0].second, "quiet");
}

TEST(TimelineMerger, OrderKeyPrefersJournalReceiveTime) {
  Record r;
  r.time_ns = 5;
  EXPECT_EQ(order_key(r), 5);
  r.observed_time_ns = 7;
  EXPECT_EQ(order_key(r), 7);
}

// Records of a RecordSource are formatted as they are taken, in merge order.
class RecordList : public RecordSource {
 public:
  explicit RecordList(std::vector<std::string> messages) : messages_(std::move(messages)) {}
  bool next(Record& out) override {
    if (next_ == messages_.size()) return false;
    out.clear();
    out.time_ns = static_cast<int64_t>(next_ + 1) * 1'000'000'000;
    out.message = messages_[next_++];
    return true;
  }
  bool finished() const override { return next_ == messages_.size(); }
  void wait(uint64_t) override {}

 private:
  std::vector<std::string> messages_;
  size_t next_ = 0;
};

TEST(TimelineMerger, FormatsRecordSourcesWhenTaken) {
  FormatOptions f;
  f.mode = OutputMode::cat;
  RecordFormatter fmt(f);
  std::vector<std::unique_ptr<EntrySource>> s;
  s.push_back(std::make_unique<FormattingSource>(
      std::make_unique<RecordList>(std::vector<std::string>{"a", "c"}), fmt));
  s.push_back(std::make_unique<ListSource>(std::vector<int64_t>{1'500'000'000}, "b"));
  TimelineMerger m(std::move(s), false);
  std::string out;
  while (m.next(out)) out += "|";
  EXPECT_EQ(out, "a\n|1500000000 b|c\n|");
  EXPECT_TRUE(m.finished());
}

std::vector<std::unique_ptr<EntrySource>> random_sources(uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::unique_ptr<EntrySource>> s;
  const size_t n = 1 + rng() % 4;
  for (size_t i = 0; i < n; ++i) {
    std::vector<int64_t> times;
    int64_t t = 0;
    const size_t count = rng() % 60;
    for (size_t k = 0; k < count; ++k) {
      t += rng() % 3;  // many equal times, within and across sources
      times.push_back(t);
    }
    s.push_back(std::make_unique<ListSource>(times, "s" + std::to_string(i) + ";"));
  }
  return s;
}

TEST(TimelineMerger, RunsAreWhatSingleStepsWouldTake) {
  for (uint32_t seed = 0; seed < 200; ++seed) {
    TimelineMerger one(random_sources(seed), false);
    std::string want;
    size_t want_count = 0;
    while (one.next(want)) ++want_count;
    for (size_t max_bytes : {size_t{1}, size_t{20}, SIZE_MAX}) {
      TimelineMerger runs(random_sources(seed), false);
      std::string got;
      size_t got_count = 0, n;
      while ((n = runs.next_run(got, got.size() + max_bytes)) > 0) {
        got_count += n;
        if (max_bytes == 1) {
          EXPECT_EQ(n, 1u);  // a run stops once `out` is that long
        }
      }
      EXPECT_EQ(got_count, want_count) << seed;
      EXPECT_EQ(got, want) << "seed " << seed << " max_bytes " << max_bytes;
    }
  }
}

}  // namespace
}  // namespace kj::cli
