// Error paths of the kjournal command line. The rule under test: an input kjournal cannot
// read must never look like an empty result. Every failure names what failed (file, directory,
// flag, value) so a user on a node can act on it.
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>

#include <gtest/gtest.h>

#include "tests/support/journal_fixture.h"
#include "tests/support/journal_json.h"
#include "tests/support/kjournal_cli.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace kjt {
namespace {

namespace fs = std::filesystem;

constexpr uid_t kNobody = 65534;
constexpr int kEntries = 9;

std::string entry_message(int i) {
  return "kjt-errors entry " + std::to_string(i);
}

// A small real journal file (kubelet lines), written once per test process.
const fs::path& source_journal() {
  static TempDir dir("kjt-errors-src");
  static const fs::path file = [] {
    fs::path f = dir / "source.journal";
    std::vector<Entry> entries;
    const std::string boot = id128_from_seed("cli errors");
    for (int i = 0; i < kEntries; ++i) {
      uint64_t t = nasty::kBaseUs + static_cast<uint64_t>(i) * nasty::kSecond;
      Entry e;
      e.realtime(t).monotonic(t - nasty::kBaseUs + 1'000'000).boot_id(boot);
      e.set("_SYSTEMD_UNIT", "kubelet.service").set("SYSLOG_IDENTIFIER", "kubelet");
      e.set("PRIORITY", "6").set("_HOSTNAME", "node-1").message(entry_message(i));
      entries.push_back(e);
    }
    write_journal_file(f, entries);
    return f;
  }();
  return file;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_file(const fs::path& p, const std::string& data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

uint64_t le64(const std::string& d, size_t at) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(d[at + size_t(i)]);
  return v;
}

uint32_t le32(const std::string& d, size_t at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(d[at + size_t(i)]);
  return v;
}

// Journal file layout (systemd's JOURNAL_FILE_FORMAT.md): the header holds header_size at
// byte 88, tail_object_offset at 136 and entry_array_offset at 176; every object starts with
// type (1 byte), flags, 6 reserved bytes and its size (le64), and objects are 8-byte aligned.
struct Object {
  size_t offset;
  int type;
  uint64_t size;
};
constexpr int kEntryObject = 3;

std::vector<Object> objects_of(const std::string& d) {
  std::vector<Object> out;
  const uint64_t tail = le64(d, 136);
  for (uint64_t off = le64(d, 88); off <= tail && off + 16 <= d.size();) {
    Object o{static_cast<size_t>(off), static_cast<unsigned char>(d[off]), le64(d, off + 8)};
    if (o.size < 16) break;
    out.push_back(o);
    off += (o.size + 7) & ~uint64_t(7);
  }
  return out;
}

// The libsystemd kjournal was built against (named in format errors).
std::string libsystemd_version() {
  RunResult r = run({"pkg-config", "--modversion", "libsystemd"});
  std::string v = r.out.substr(0, r.out.find_first_of("\n ."));
  if (r.exit_code() == 0 && !v.empty()) return v;
  return std::to_string(journalctl_version());
}

std::string first_line(const std::string& s) {
  return s.substr(0, s.find('\n'));
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class CliErrors : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NO_THROW(source_journal()); }

  fs::path copy_source(const std::string& name) {
    fs::path p = dir_ / name;
    fs::copy_file(source_journal(), p, fs::copy_options::overwrite_existing);
    return p;
  }

  // An error exit must not also claim an empty result.
  static void expect_no_empty_claim(const RunResult& r) {
    EXPECT_FALSE(contains(r.out, "No entries")) << r.describe();
  }

  TempDir dir_{"kjt-errors"};
};

// ---- files kjournal may not read -------------------------------------------------------

// Root reads any file, so the program runs as `nobody` to meet a real permission error.
// The binary is copied to a world-readable place first: the build tree may sit where `nobody`
// cannot reach (a checkout under /root), and that must not pass for a permission error.
RunResult run_as_nobody(const std::vector<std::string>& args) {
  static TempDir bin("kjt-bin");
  static const fs::path copy = [] {
    bin.allow_others_to_enter();
    fs::path p = bin / "kjournal";
    fs::copy_file(kjournal_binary(), p);
    fs::permissions(p, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                           fs::perms::others_read | fs::perms::others_exec);
    return p;
  }();
  RunOptions options;
  options.uid = kNobody;
  options.env = {{"TZ", "UTC"}};
  std::vector<std::string> argv = {copy.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  RunResult r = run(argv, options);
  // Not a permission problem of the test setup itself.
  EXPECT_NE(r.exit_code(), 126) << r.describe();
  EXPECT_NE(r.exit_code(), 127) << r.describe();
  return r;
}

TEST_F(CliErrors, UnreadableFileNamesFileAndGroup) {
  dir_.allow_others_to_enter();
  fs::path locked = copy_source("locked.journal");
  fs::permissions(locked, fs::perms::none);

  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--file", locked.string(), "--all", "--no-pager"},
           {"-D", dir_.path().string(), "--all", "--no-pager"},
           {"-D", dir_.path().string(), "--all", "-o", "json", "--no-pager"}}) {
    RunResult r = run_as_nobody(args);
    EXPECT_EQ(r.exit_code(), 1) << r.describe();
    EXPECT_TRUE(contains(r.err, locked.string())) << r.describe();
    EXPECT_TRUE(contains(r.err, "systemd-journal")) << r.describe();
    expect_no_empty_claim(r);
  }
}

TEST_F(CliErrors, PartlyUnreadableDirectoryShowsTheRestAndWarns) {
  dir_.allow_others_to_enter();
  fs::path readable = copy_source("readable.journal");
  fs::permissions(readable, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  fs::path locked = copy_source("locked.journal");
  fs::permissions(locked, fs::perms::none);

  RunResult r = run_as_nobody({"-D", dir_.path().string(), "--all", "-o", "json", "--no-pager"});
  EXPECT_EQ(r.exit_code(), 0) << "something was readable\n" << r.describe();
  std::vector<nlohmann::json> records;
  ASSERT_NO_THROW(records = parse_json_lines(r.out)) << r.describe();
  EXPECT_EQ(records.size(), static_cast<size_t>(kEntries)) << r.describe();
  EXPECT_TRUE(contains(r.err, locked.string())) << r.describe();
  EXPECT_TRUE(contains(r.err, "systemd-journal")) << r.describe();
  EXPECT_FALSE(contains(r.err, readable.string())) << r.describe();
}

// ---- damaged files ---------------------------------------------------------------------

TEST_F(CliErrors, TruncatedFileIsAnErrorNamingIt) {
  fs::path truncated = copy_source("truncated.journal");
  fs::resize_file(truncated, 100);
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"--file", truncated.string(), "--all", "--no-pager"},
                                             {"-D", dir_.path().string(), "--all", "--no-pager"}}) {
    RunResult r = run_kjournal(args);
    EXPECT_EQ(r.exit_code(), 1) << r.describe();
    EXPECT_TRUE(contains(r.err, truncated.string())) << r.describe();
    expect_no_empty_claim(r);
  }
}

// Garbage over the file's root entry array: the header is fine, but no entry can be reached.
// sd-journal itself skips what it cannot parse, so a reader that does not check ends up with
// "no entries".
TEST_F(CliErrors, CorruptEntryArrayIsAnErrorNamingTheFile) {
  fs::path corrupt = copy_source("corrupt.journal");
  std::string d = read_file(corrupt);
  const size_t array = static_cast<size_t>(le64(d, 176));
  ASSERT_GT(array, 0u);
  ASSERT_EQ(d[array], 6) << "entry_array_offset does not point at an entry array object";
  const size_t size = static_cast<size_t>(le64(d, array + 8));
  std::fill(d.begin() + long(array) + 16, d.begin() + long(array + size), '\xff');
  write_file(corrupt, d);
  // journalctl still opens the file: the damage is past the header.
  RunResult verify = run_journalctl({"--file", corrupt.string(), "--verify"});
  ASSERT_NE(verify.exit_code(), 0) << "the corruption was not detectable\n" << verify.describe();

  RunResult r = run_kjournal({"--file", corrupt.string(), "--all", "--no-pager"});
  EXPECT_EQ(r.exit_code(), 1) << r.describe();
  EXPECT_TRUE(contains(r.err, corrupt.string())) << r.describe();
  expect_no_empty_claim(r);
}

// Garbage over the entry in the middle of the file: the entries around it are still readable
// and must be shown, and the loss must be reported, not silent.
TEST_F(CliErrors, CorruptEntryInTheMiddleIsReportedAndTheRestShown) {
  fs::path corrupt = copy_source("corrupt.journal");
  std::string d = read_file(corrupt);
  std::vector<Object> entries;
  for (const auto& o : objects_of(d)) {
    if (o.type == kEntryObject) entries.push_back(o);
  }
  ASSERT_EQ(entries.size(), static_cast<size_t>(kEntries));
  const Object& middle = entries[kEntries / 2];
  std::fill(d.begin() + long(middle.offset) + 16, d.begin() + long(middle.offset + middle.size),
            '\xff');
  write_file(corrupt, d);

  RunResult r = run_kjournal({"-D", dir_.path().string(), "--all", "-o", "json", "--no-pager"});
  ASSERT_FALSE(r.timed_out);
  EXPECT_TRUE(r.status.exited()) << r.describe();
  std::vector<std::string> messages;
  ASSERT_NO_THROW({
    for (const auto& rec : parse_json_lines(r.out)) messages.push_back(rec.value("message", ""));
  }) << r.describe();
  EXPECT_NE(std::find(messages.begin(), messages.end(), entry_message(0)), messages.end())
      << r.describe();
  EXPECT_NE(std::find(messages.begin(), messages.end(), entry_message(kEntries - 1)),
            messages.end())
      << r.describe();
  EXPECT_EQ(std::find(messages.begin(), messages.end(), entry_message(kEntries / 2)),
            messages.end());
  EXPECT_TRUE(contains(r.err, corrupt.string())) << "an entry was lost without a word\n"
                                                 << r.describe();
}

// A newer systemd may write files with format features this libsystemd does not know (an
// incompatible flag). The error must say which file, which flags, and which libsystemd.
TEST_F(CliErrors, UnknownIncompatibleFlagNamesFileFlagsAndLibsystemd) {
  fs::path future = copy_source("future.journal");
  std::string d = read_file(future);
  ASSERT_EQ(d.substr(0, 8), "LPKSHHRH");
  const uint32_t flags = le32(d, 12) | 0x80000000u;  // bit 31: not defined by any systemd
  for (int i = 0; i < 4; ++i) d[12 + size_t(i)] = static_cast<char>((flags >> (8 * i)) & 0xff);
  write_file(future, d);

  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%08x", flags);
  const std::string version = libsystemd_version();
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"--file", future.string(), "--all", "--no-pager"},
                                             {"-D", dir_.path().string(), "--all", "--no-pager"}}) {
    RunResult r = run_kjournal(args);
    EXPECT_EQ(r.exit_code(), 1) << r.describe();
    EXPECT_TRUE(contains(r.err, future.string())) << r.describe();
    EXPECT_TRUE(contains(lower(r.err), hex)) << "flags " << hex << " not named\n" << r.describe();
    EXPECT_TRUE(std::regex_search(r.err, std::regex("libsystemd[^0-9\\n]*" + version)))
        << "libsystemd " << version << " not named\n"
        << r.describe();
    expect_no_empty_claim(r);
  }
}

TEST_F(CliErrors, DirectoryWithoutJournalFilesNamesTheDirectory) {
  fs::path empty = dir_ / "empty";
  fs::create_directory(empty);
  std::ofstream(empty / "notes.txt") << "not a journal\n";
  RunResult r = run_kjournal({"-D", empty.string(), "--all", "--no-pager"});
  EXPECT_EQ(r.exit_code(), 1) << r.describe();
  EXPECT_TRUE(contains(r.err, empty.string())) << r.describe();
  expect_no_empty_claim(r);
}

// ---- command line ----------------------------------------------------------------------

struct UsageCase {
  std::string name;
  std::vector<std::string> args;
  std::vector<std::string> first_line_names;  // the reason line must contain each
  std::vector<std::string> stderr_names;      // somewhere on stderr
};

void PrintTo(const UsageCase& c, std::ostream* os) {
  *os << c.name << ": " << join_command(c.args);
}

class UsageErrors : public CliErrors, public ::testing::WithParamInterface<UsageCase> {};

TEST_P(UsageErrors, ExitOneWithAReasonNamingTheInput) {
  const UsageCase& c = GetParam();
  std::vector<std::string> args = {"-D", source_journal().parent_path().string()};
  args.insert(args.end(), c.args.begin(), c.args.end());
  RunResult r = run_kjournal(args);
  EXPECT_EQ(r.exit_code(), 1) << r.describe();
  EXPECT_TRUE(r.out.empty()) << r.describe();
  const std::string reason = first_line(r.err);
  for (const auto& name : c.first_line_names) {
    EXPECT_TRUE(contains(reason, name)) << "reason line does not name " << name << "\n"
                                        << r.describe();
  }
  for (const auto& name : c.stderr_names) {
    EXPECT_TRUE(contains(r.err, name)) << "stderr does not mention " << name << "\n"
                                       << r.describe();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, UsageErrors,
    ::testing::Values(UsageCase{"UnknownFlag", {"--frobnicate"}, {"--frobnicate"}, {"--help"}},
                      UsageCase{
                          "BadSince", {"--since", "1 hourr ago"}, {"1 hourr ago", "hourr"}, {}},
                      UsageCase{"BadUntil", {"--until", "2026-13-01"}, {"2026-13-01"}, {}},
                      UsageCase{"BadPriority", {"-p", "foo"}, {"foo"}, {}},
                      UsageCase{"BadOutput", {"-o", "foo"}, {"foo"}, {}},
                      UsageCase{"BadLines", {"-n", "many"}, {"many"}, {}}),
    [](const ::testing::TestParamInfo<UsageCase>& p) { return p.param.name; });

TEST(Cli, HelpExplainsThatPriorityFiltersTheNormalizedSeverity) {
  RunResult r = run_kjournal({"--help"});
  EXPECT_EQ(r.exit_code(), 0) << r.describe();
  // The -p option's own description, up to the next option.
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(r.out, m, std::regex(R"((^|\n)\s*-p[, ][^\n]*(\n[ \t]+[^ \t\n-][^\n]*)*)")))
      << r.out;
  std::string text = lower(m.str());
  EXPECT_TRUE(contains(text, "normaliz") && contains(text, "severity")) << m.str();
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(Cli, VersionPrintsAVersion) {
  RunResult r = run_kjournal({"--version"});
  EXPECT_EQ(r.exit_code(), 0) << r.describe();
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\b\d+\.\d+\.\d+\b)"))) << r.out;
}

}  // namespace
}  // namespace kjt
