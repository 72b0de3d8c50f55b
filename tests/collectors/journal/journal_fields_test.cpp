// JournalQuery::keep_journal_fields: every field of the entry as stored, with the entry's
// address (__REALTIME_TIMESTAMP, __MONOTONIC_TIMESTAMP, _BOOT_ID) leading, for exporters that
// forward entries unchanged.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "collectors/journal/journal_reader.h"
#include "tests/support/journal_fixture.h"
#include "tests/support/temp_dir.h"

namespace kj::journal {
namespace {

using FieldList = std::vector<std::pair<std::string, std::string>>;

FieldList sorted_fields(const kjt::Entry& e) {
  FieldList out;
  for (const auto& f : e.fields()) out.emplace_back(f.name, f.value);
  std::sort(out.begin(), out.end());
  return out;
}

FieldList sorted(FieldList v) {
  std::sort(v.begin(), v.end());
  return v;
}

class JournalFieldsTest : public ::testing::Test {
 protected:
  JournalQuery query(bool keep) {
    JournalQuery q;
    q.source.kind = JournalSource::Kind::directory;
    q.source.path = dir_.path().string();
    q.all = true;
    q.keep_journal_fields = keep;
    return q;
  }
  std::vector<Record> read_all(JournalQuery q) {
    JournalReader r(std::move(q), {});
    std::vector<Record> out;
    Record rec;
    while (r.next(rec)) out.push_back(rec);
    return out;
  }
  kjt::TempDir dir_{"kj-fields"};
};

TEST_F(JournalFieldsTest, EveryFieldOfEveryEntryWithItsAddressFirst) {
  const auto fixture = kjt::nasty::write_nasty_fixture(dir_.path());
  std::vector<FieldList> expected;
  for (const auto* list : {&fixture.entries_a, &fixture.entries_b})
    for (const auto& e : *list) expected.push_back(sorted_fields(e));
  std::sort(expected.begin(), expected.end());

  const auto records = read_all(query(true));
  ASSERT_EQ(records.size(), fixture.size());
  std::vector<FieldList> got;
  for (const auto& r : records) {
    ASSERT_GE(r.journal_fields.size(), 3u);
    EXPECT_EQ(r.journal_fields[0].first, "__REALTIME_TIMESTAMP");
    EXPECT_EQ(r.journal_fields[0].second, std::to_string(r.observed_time_ns / 1000));
    EXPECT_EQ(r.journal_fields[1].first, "__MONOTONIC_TIMESTAMP");
    EXPECT_EQ(r.journal_fields[2].first, "_BOOT_ID");
    EXPECT_EQ(std::count_if(r.journal_fields.begin(), r.journal_fields.end(),
                            [](const auto& f) { return f.first == "_BOOT_ID"; }),
              1)
        << r.message;
    got.push_back(sorted(r.journal_fields));
  }
  std::sort(got.begin(), got.end());
  // Binary values (NUL, invalid UTF-8, newlines) and the 1 MiB message come through as bytes.
  EXPECT_EQ(got, expected);
}

TEST_F(JournalFieldsTest, RepeatedFieldsAreKeptEachTime) {
  kjt::Entry e;
  e.realtime(1'795'819'800'000'000ULL)
      .monotonic(5'000'000)
      .boot_id(kjt::id128_from_seed("b"))
      .message("two tags")
      .add("TAG", "one")
      .add("TAG", "two");
  kjt::write_journal_file(dir_ / "x.journal", {e});
  const auto records = read_all(query(true));
  ASSERT_EQ(records.size(), 1u);
  FieldList tags;
  for (const auto& f : records[0].journal_fields)
    if (f.first == "TAG") tags.push_back(f);
  EXPECT_EQ(sorted(tags), (FieldList{{"TAG", "one"}, {"TAG", "two"}}));
  EXPECT_EQ(records[0].journal_fields[1].second, "5000000");
  EXPECT_EQ(records[0].journal_fields[2].second, kjt::id128_from_seed("b"));
}

TEST_F(JournalFieldsTest, OffByDefault) {
  kjt::Entry e;
  e.realtime(1'795'819'800'000'000ULL).monotonic(1).boot_id(kjt::id128_from_seed("b"));
  e.message("hello").set("_SYSTEMD_UNIT", "kubelet.service");
  kjt::write_journal_file(dir_ / "x.journal", {e});
  const auto records = read_all(query(false));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_TRUE(records[0].journal_fields.empty());
  EXPECT_EQ(records[0].message, "hello");
}

}  // namespace
}  // namespace kj::journal
