// The pre-flight check must name every journal file sd-journal would silently skip.
#include "collectors/journal/journal_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/journal_fixture.h"
#include "tests/support/temp_dir.h"

namespace kj::journal {
namespace {

namespace fs = std::filesystem;

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_all(const fs::path& p, const std::string& data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << data;
}

class JournalFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kjt::Entry e;
    e.realtime(1'795'819'800'000'000ULL)
        .monotonic(1000)
        .boot_id(kjt::id128_from_seed("boot"))
        .message("hello")
        .set("_SYSTEMD_UNIT", "kubelet.service");
    good_ = dir_ / "good.journal";
    kjt::write_journal_file(good_, {e});
  }
  kjt::TempDir dir_{"kj-files"};
  fs::path good_;
};

TEST_F(JournalFilesTest, RealFileIsReadable) {
  EXPECT_EQ(check_journal_file(good_), "");
}

TEST_F(JournalFilesTest, UnknownIncompatibleFlagNamesFlagsAndVersion) {
  std::string data = read_all(good_);
  data[12 + 3] = static_cast<char>(data[12 + 3] | 0x80);  // bit 31 of the le32 at offset 12
  const fs::path f = dir_ / "future.journal";
  write_all(f, data);
  const std::string why = check_journal_file(f);
  EXPECT_NE(why.find("incompatible header flags 0x8"), std::string::npos) << why;
  EXPECT_NE(why.find("libsystemd"), std::string::npos) << why;
}

TEST_F(JournalFilesTest, TruncatedAndForeignFiles) {
  const std::string data = read_all(good_);
  write_all(dir_ / "short.journal", data.substr(0, 100));
  write_all(dir_ / "header-only.journal", data.substr(0, 240));
  write_all(dir_ / "text.journal", "this is not a journal file at all, just text\n");
  EXPECT_NE(check_journal_file(dir_ / "short.journal").find("truncated"), std::string::npos);
  EXPECT_NE(check_journal_file(dir_ / "header-only.journal").find("truncated"), std::string::npos);
  EXPECT_NE(check_journal_file(dir_ / "text.journal").find("not a journal file"),
            std::string::npos);
}

TEST_F(JournalFilesTest, InventoryOfDirectoryCountsUnreadable) {
  write_all(dir_ / "broken.journal", "LPKSHHRH");
  fs::create_directory(dir_ / "not-a-machine-id");
  write_all(dir_ / "not-a-machine-id" / "ignored.journal", "x");
  const fs::path mid = dir_ / "0123456789abcdef0123456789abcdef";
  fs::create_directory(mid);
  fs::copy_file(good_, mid / "system.journal");
  JournalSource src;
  src.kind = JournalSource::Kind::directory;
  src.path = dir_.path().string();
  const auto inv = inspect_journal_files(src);
  EXPECT_EQ(inv.files.size(), 3u);  // good, broken, machine-id subdir; not the other subdir
  EXPECT_EQ(inv.readable(), 2u);
  ASSERT_EQ(inv.problems.size(), 1u);
  EXPECT_EQ(fs::path(inv.problems[0].path).filename(), "broken.journal");
}

TEST_F(JournalFilesTest, EmptyDirectoryHasNoFilesAndSaysWhereItLooked) {
  kjt::TempDir empty{"kj-empty"};
  JournalSource src;
  src.kind = JournalSource::Kind::directory;
  src.path = empty.path().string();
  const auto inv = inspect_journal_files(src);
  EXPECT_TRUE(inv.files.empty());
  ASSERT_EQ(inv.searched.size(), 1u);
  EXPECT_EQ(inv.searched[0], empty.path().string());
}

uint64_t le64_at(const std::string& d, size_t off) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(d[off + i]);
  return v;
}

TEST_F(JournalFilesTest, DamagedEntryArrayIsFoundOnlyInFilesTheWindowReaches) {
  std::string data = read_all(good_);
  const size_t array = le64_at(data, 176);  // header: entry_array_offset
  ASSERT_EQ(data[array], 6);                // an entry array object
  const size_t size = le64_at(data, array + 8);
  std::fill(data.begin() + static_cast<long>(array) + 24,
            data.begin() + static_cast<long>(array + size), '\xff');
  fs::remove(good_);
  write_all(dir_ / "damaged.journal", data);

  JournalSource src;
  src.kind = JournalSource::Kind::directory;
  src.path = dir_.path().string();
  auto inv = inspect_journal_files(src);
  ASSERT_EQ(inv.problems.size(), 1u);
  EXPECT_NE(inv.problems[0].reason.find("corrupt"), std::string::npos) << inv.problems[0].reason;
  EXPECT_EQ(inv.readable(), 0u);  // its only entry is unreachable

  // The file's single entry is at 2026-11-27 22:50:00; a window after it does not walk it.
  inv = inspect_journal_files(src, int64_t{1'795'819'900'000'000}, std::nullopt);
  EXPECT_TRUE(inv.problems.empty());
  inv = inspect_journal_files(src, std::nullopt, int64_t{1'795'819'700'000'000});
  EXPECT_TRUE(inv.problems.empty());
  inv = inspect_journal_files(src, int64_t{1'795'819'700'000'000}, std::nullopt);
  EXPECT_EQ(inv.problems.size(), 1u);
}

TEST(JournalFiles, SupportedFlagsCoverDebian12Formats) {
  // libsystemd 252 reads xz, lz4, zstd, keyed-hash and compact files.
  EXPECT_EQ(supported_incompatible_flags() & 0x1F, 0x1Fu);
}

}  // namespace
}  // namespace kj::journal
