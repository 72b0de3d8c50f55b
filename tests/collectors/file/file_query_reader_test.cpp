#include "collectors/file/file_query_reader.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/collectors/file/file_test_util.h"
#include "tests/support/temp_dir.h"

namespace {

using kj::Record;
using kj::file::FileQueryOptions;
using kj::file::FileQueryReader;

constexpr int64_t kNs = 1'000'000'000;
// `date -u -d '2026-11-27 10:00:00 UTC' +%s`
constexpr int64_t kNov27 = 1795773600;
constexpr int64_t kDay = 86400;

FileQueryOptions utc() {
  FileQueryOptions o;
  o.klog_zone = "UTC";
  return o;
}

std::vector<Record> read_all(FileQueryReader& r) {
  std::vector<Record> out;
  Record rec;
  while (r.next(rec)) out.push_back(rec);
  EXPECT_TRUE(r.finished());
  return out;
}

std::vector<std::string> messages(const std::vector<Record>& recs) {
  std::vector<std::string> out;
  for (const auto& r : recs) out.push_back(r.message);
  return out;
}

std::string attr(const Record& r, std::string_view key) {
  for (const auto& [k, v] : r.attributes) {
    if (k == key) return v;
  }
  return "<none>";
}

TEST(FileQueryReaderTest, ReadsRotatedSiblingsOldestFirstIncludingGzip) {
  kjt::TempDir dir("kjfile");
  const auto live = dir / "kube-scheduler.log";
  kjt::write_gzip(
      dir / "kube-scheduler.log.2.gz",
      kjt::klog_line('I', 11, 25, 10, 0, 0, "one") + kjt::klog_line('I', 11, 25, 10, 0, 1, "two"));
  kjt::write_file(dir / "kube-scheduler.log.1", kjt::klog_line('W', 11, 26, 10, 0, 0, "three"));
  kjt::write_file(live, kjt::klog_line('E', 11, 27, 10, 0, 0, "four") +
                            kjt::klog_line('I', 11, 27, 10, 0, 1, "five"));
  kjt::set_mtime(dir / "kube-scheduler.log.2.gz", kNov27 - 2 * kDay + 60);
  kjt::set_mtime(dir / "kube-scheduler.log.1", kNov27 - kDay + 60);
  kjt::set_mtime(live, kNov27 + 60);

  FileQueryReader reader(live, utc());
  const auto recs = read_all(reader);
  EXPECT_EQ(messages(recs), (std::vector<std::string>{"one", "two", "three", "four", "five"}));
  ASSERT_EQ(recs.size(), 5u);
  EXPECT_EQ(recs[0].time_ns, (kNov27 - 2 * kDay) * kNs);
  EXPECT_EQ(recs[4].time_ns, (kNov27 + 1) * kNs);
  EXPECT_EQ(recs[0].source, (dir / "kube-scheduler.log.2.gz").string());
  EXPECT_EQ(recs[3].source, live.string());
  EXPECT_EQ(recs[3].severity, kj::Severity::error);
  EXPECT_EQ(recs[3].level_raw, "E");
  EXPECT_EQ(recs[3].caller, "main.go:10");
  EXPECT_EQ(recs[3].pid, 1);
  for (const auto& r : recs) EXPECT_EQ(r.component, "kube-scheduler");
  EXPECT_EQ(reader.stats().files_read, 3u);
  EXPECT_TRUE(reader.stats().problems.empty());
}

TEST(FileQueryReaderTest, TimeWindowSkipsRecordsAndOldFiles) {
  kjt::TempDir dir("kjfile");
  const auto live = dir / "x.log";
  kjt::write_file(dir / "x.log.1", kjt::klog_line('I', 11, 20, 10, 0, 0, "old"));
  kjt::set_mtime(dir / "x.log.1", kNov27 - 7 * kDay);
  std::string content;
  for (int m = 0; m < 10; ++m) content += kjt::klog_line('I', 11, 27, 10, m, 0, std::to_string(m));
  kjt::write_file(live, content);
  kjt::set_mtime(live, kNov27 + 3600);

  FileQueryOptions o = utc();
  o.since_ns = (kNov27 + 3 * 60) * kNs;
  o.until_ns = (kNov27 + 6 * 60) * kNs;
  FileQueryReader reader(live, o);
  EXPECT_EQ(messages(read_all(reader)), (std::vector<std::string>{"3", "4", "5", "6"}));
  EXPECT_EQ(reader.stats().files_skipped, 1u);
}

TEST(FileQueryReaderTest, SinceSkipsTheStartOfLargeFilesByBisection) {
  kjt::TempDir dir("kjfile");
  const auto live = dir / "kube-apiserver.log";
  // ~9 MB over 10 hours (one line every 0.36 s), with a multi-line record now and then.
  std::string content;
  const int kLines = 100'000;
  for (int i = 0; i < kLines; ++i) {
    const int64_t ms = int64_t{i} * 360;
    const int s = static_cast<int>(ms / 1000);
    content += kjt::klog_line('I', 11, 27, 10 + s / 3600, s / 60 % 60, s % 60,
                              "n=" + std::to_string(i) + " padding padding padding padding",
                              static_cast<int>(ms % 1000) * 1000);
    if (i % 50 == 0) content += "\tcontinuation line of record " + std::to_string(i) + "\n";
  }
  kjt::write_file(live, content);
  kjt::set_mtime(live, kNov27 + 11 * 3600);
  FileQueryOptions o = utc();
  // From 15:00:00: record 50000 (50000 * 0.36 s = 5 h).
  o.since_ns = (kNov27 + 5 * 3600) * kNs;
  o.until_ns = (kNov27 + 5 * 3600 + 36) * kNs;  // 100 records
  FileQueryReader reader(live, o);
  const auto recs = read_all(reader);
  ASSERT_EQ(recs.size(), 101u);
  EXPECT_TRUE(recs.front().message.starts_with("n=50000 "));
  EXPECT_TRUE(recs.back().message.starts_with("n=50100 "));
  EXPECT_EQ(recs.front().message,
            "n=50000 padding padding padding padding\n\tcontinuation "
            "line of record 50000");
  // Most of the file was never read: only the stretch from `since` minus the slack on, up to
  // `until` plus the slack.
  EXPECT_GT(reader.stats().bytes_skipped, content.size() / 3);
  EXPECT_LT(reader.stats().bytes_read, content.size() / 4);
  // The offsets are still those of the file.
  EXPECT_EQ(content.compare(recs.front().position.offset, 8, "I1127 15"), 0);
}

TEST(FileQueryReaderTest, MultilineKlogWithGoPanic) {
  kjt::TempDir dir("kjfile");
  const auto live = dir / "kube-controller-manager.log";
  const std::string panic =
      "panic: runtime error: invalid memory address or nil pointer dereference\n"
      "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a3f2b]\n"
      "\n"
      "goroutine 1 [running]:\n"
      "main.main()\n"
      "\t/go/src/app/main.go:20 +0x1d\n";
  kjt::write_file(live, kjt::klog_line('I', 11, 27, 10, 0, 0, "starting") +
                            kjt::klog_line('F', 11, 27, 10, 0, 1, "boom") + panic +
                            kjt::klog_line('I', 11, 27, 10, 0, 2, "restarted"));
  kjt::set_mtime(live, kNov27 + 60);
  FileQueryReader reader(live, utc());
  const auto recs = read_all(reader);
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[1].severity, kj::Severity::fatal);
  EXPECT_EQ(recs[1].message, "boom\n" + panic.substr(0, panic.size() - 1));
  EXPECT_EQ(recs[2].message, "restarted");
  // Position: the offset of the record's first byte, and the id key built from it.
  const size_t first_len = kjt::klog_line('I', 11, 27, 10, 0, 0, "starting").size();
  EXPECT_EQ(recs[1].position.offset, first_len);
  struct stat st {};
  ASSERT_EQ(stat(live.c_str(), &st), 0);
  EXPECT_EQ(recs[1].position.device, st.st_dev);
  EXPECT_EQ(recs[1].position.inode, st.st_ino);
  EXPECT_EQ(recs[1].position.file, live.string());
  const std::string prefix =
      "file:" + std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":";
  EXPECT_EQ(recs[1].position.cursor.substr(0, prefix.size()), prefix);
  EXPECT_EQ(recs[1].position.cursor.size(),
            prefix.size() + 16 + 1 + std::to_string(first_len).size());
  EXPECT_TRUE(recs[1].position.cursor.ends_with(":" + std::to_string(first_len)));
}

TEST(FileQueryReaderTest, StructuredKlogBlocksBecomeAttributes) {
  kjt::TempDir dir("kjfile");
  const auto live = dir / "kubelet.log";
  kjt::write_file(
      live,
      "I1127 10:00:00.000000       1 main.go:10] \"Config loaded\" pod=\"kube-system/x\" "
      "data=<\n"
      "\tline one\n"
      "\tline two\n"
      " > count=3\n" +
          kjt::klog_line('I', 11, 27, 10, 0, 1, "after"));
  kjt::set_mtime(live, kNov27 + 60);
  FileQueryReader reader(live, utc());
  const auto recs = read_all(reader);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].message, "Config loaded");
  EXPECT_EQ(attr(recs[0], "pod"), "kube-system/x");
  EXPECT_EQ(attr(recs[0], "data"), "line one\nline two");
  EXPECT_EQ(attr(recs[0], "count"), "3");
  EXPECT_EQ(recs[1].message, "after");
}

TEST(FileQueryReaderTest, CriPartialLinesAreJoinedAndKlogTimeKept) {
  kjt::TempDir dir("kjfile");
  const auto cdir = dir / "kube-system_kube-scheduler-node1_0123abcd" / "kube-scheduler";
  std::filesystem::create_directories(cdir);
  const auto live = cdir / "0.log";
  // The CRI time is the event time; the klog header (written at 09:59:59.5 by the container's
  // clock) becomes the klog_time attribute.
  kjt::write_file(live,
                  "2026-11-27T10:00:00.000000001Z stderr F I1127 09:59:59.500000       1 "
                  "sched.go:1] \"Started\"\n"
                  "2026-11-27T10:00:01Z stdout P first half, \n"
                  "2026-11-27T10:00:01.5Z stderr F E1127 10:00:01.000000       1 sched.go:2] bad\n"
                  "2026-11-27T10:00:02Z stdout F second half\n"
                  "2026-11-27T10:00:03Z stderr F \tgoroutine 7 [running]:\n");
  kjt::set_mtime(live, kNov27 + 60);
  FileQueryReader reader(live, utc());
  const auto recs = read_all(reader);
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].message, "Started");
  EXPECT_EQ(recs[0].time_ns, kNov27 * kNs + 1);
  EXPECT_EQ(attr(recs[0], "klog_time"), "2026-11-27T09:59:59.500000Z");
  EXPECT_EQ(attr(recs[0], "stream"), "stderr");
  EXPECT_EQ(recs[0].component, "kube-scheduler");
  EXPECT_EQ(recs[1].message, "first half, second half");
  EXPECT_EQ(recs[1].time_ns, (kNov27 + 1) * kNs);
  EXPECT_EQ(attr(recs[1], "stream"), "stdout");
  EXPECT_EQ(recs[2].message, "bad\n\tgoroutine 7 [running]:");
  EXPECT_EQ(recs[2].severity, kj::Severity::error);
  EXPECT_EQ(recs[2].time_ns, (kNov27 + 1) * kNs + 500'000'000);
  EXPECT_EQ(reader.stats().unwrap_failures, 0u);
}

TEST(FileQueryReaderTest, DockerJsonFilePartialsAreJoined) {
  kjt::TempDir dir("kjfile");
  const auto live = dir / "abc-json.log";
  kjt::write_file(
      live,
      "{\"log\":\"time=\\\"2026-11-27T10:00:00Z\\\" level=warning msg=\\\"low disk\\\"\\n\","
      "\"stream\":\"stderr\",\"time\":\"2026-11-27T10:00:00.5Z\"}\n"
      "{\"log\":\"part one \",\"stream\":\"stdout\",\"time\":\"2026-11-27T10:00:01Z\"}\n"
      "{\"log\":\"part two\\n\",\"stream\":\"stdout\",\"time\":\"2026-11-27T10:00:02Z\"}\n");
  kjt::set_mtime(live, kNov27 + 60);
  FileQueryReader reader(live, utc());
  const auto recs = read_all(reader);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].message, "low disk");
  EXPECT_EQ(recs[0].severity, kj::Severity::warning);
  EXPECT_EQ(recs[0].time_ns, kNov27 * kNs + 500'000'000);
  EXPECT_EQ(recs[1].message, "part one part two");
  EXPECT_EQ(recs[1].time_ns, (kNov27 + 1) * kNs);
}

TEST(FileQueryReaderTest, YearRolloverUsesTheFileMtime) {
  kjt::TempDir dir("kjfile");
  const auto live = dir / "kube-proxy.log";
  kjt::write_file(live, kjt::klog_line('I', 12, 31, 23, 59, 0, "old year") +
                            kjt::klog_line('I', 1, 1, 0, 1, 0, "new year"));
  // Written 2027-01-01 00:02:00 UTC: `date -u -d '2027-01-01 00:02:00 UTC' +%s` = 1798761720.
  kjt::set_mtime(live, 1798761720);
  FileQueryReader reader(live, utc());
  const auto recs = read_all(reader);
  ASSERT_EQ(recs.size(), 2u);
  // 2026-12-31 23:59:00 = 1798761540, 2027-01-01 00:01:00 = 1798761660.
  EXPECT_EQ(recs[0].time_ns, 1798761540 * kNs);
  EXPECT_EQ(recs[1].time_ns, 1798761660 * kNs);
}

TEST(FileQueryReaderTest, LongLinesAreSplitAndMarkedNotLost) {
  kjt::TempDir dir("kjfile");
  const auto live = dir / "x.log";
  std::string big(1000, 'x');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  kjt::write_file(live, kjt::klog_line('I', 11, 27, 10, 0, 0, big) +
                            kjt::klog_line('I', 11, 27, 10, 0, 1, "after"));
  kjt::set_mtime(live, kNov27 + 60);
  FileQueryOptions o = utc();
  o.buffer_bytes = 128;  // line pieces of at most 128 bytes
  o.max_record_bytes = 300;
  FileQueryReader reader(live, o);
  const auto recs = read_all(reader);
  ASSERT_GE(recs.size(), 5u);
  EXPECT_EQ(attr(recs.front(), "split"), "first");
  EXPECT_EQ(recs.back().message, "after");
  EXPECT_EQ(attr(recs[recs.size() - 2], "split"), "last");
  std::string joined = recs[0].message;
  for (size_t i = 1; i + 1 < recs.size(); ++i) {
    EXPECT_NE(attr(recs[i], "split"), "<none>");
    joined += recs[i].message;
    EXPECT_EQ(recs[i].time_ns, recs[0].time_ns);  // pieces keep the time of their record
  }
  EXPECT_EQ(joined, big);
}

TEST(FileQueryReaderTest, SmallDisorderIsSorted) {
  kjt::TempDir dir("kjfile");
  const auto live = dir / "x.log";
  kjt::write_file(live, kjt::klog_line('I', 11, 27, 10, 0, 0, "a", 300) +
                            kjt::klog_line('I', 11, 27, 10, 0, 0, "b", 100) +
                            kjt::klog_line('I', 11, 27, 10, 0, 0, "c", 200) +
                            kjt::klog_line('I', 11, 27, 10, 0, 1, "d"));
  kjt::set_mtime(live, kNov27 + 60);
  FileQueryReader reader(live, utc());
  const auto recs = read_all(reader);
  EXPECT_EQ(messages(recs), (std::vector<std::string>{"b", "c", "a", "d"}));
  EXPECT_EQ(reader.stats().out_of_order, 0u);
}

TEST(FileQueryReaderTest, MixedFormatsAndPlainText) {
  kjt::TempDir dir("kjfile");
  const auto live = dir / "containerd.log";
  kjt::write_file(
      live,
      "plain text before any record\n"
      "{\"ts\":1795773600000.25,\"caller\":\"app/server.go:276\",\"msg\":\"json\",\"v\":4,"
      "\"pod\":{\"name\":\"x\"}}\n"
      "time=\"2026-11-27T10:00:01.000000002Z\" level=error msg=\"logrus line\" id=7\n"
      "an unparseable line after it\n");
  kjt::set_mtime(live, kNov27 + 60);
  FileQueryReader reader(live, utc());
  const auto recs = read_all(reader);
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].message, "json");
  EXPECT_EQ(recs[0].severity, kj::Severity::debug);
  EXPECT_EQ(recs[0].caller, "app/server.go:276");
  EXPECT_EQ(recs[0].time_ns, kNov27 * kNs + 250'000);
  EXPECT_EQ(attr(recs[0], "pod"), "{\"name\":\"x\"}");
  // A line that starts no record belongs to the record before it, logrus too (a raw panic
  // after containerd's last logrus line).
  EXPECT_EQ(recs[1].message, "logrus line\nan unparseable line after it");
  EXPECT_EQ(recs[1].severity, kj::Severity::error);
  EXPECT_EQ(recs[1].time_ns, (kNov27 + 1) * kNs + 2);
  EXPECT_EQ(attr(recs[1], "id"), "7");
  // Text with no time and no record before it takes the file's mtime (and so sorts last).
  EXPECT_EQ(recs[2].message, "plain text before any record");
  EXPECT_EQ(recs[2].severity, kj::Severity::unknown);
  EXPECT_EQ(recs[2].time_ns, (kNov27 + 60) * kNs);
}

TEST(FileQueryReaderTest, CorruptGzipIsReportedAndReadingGoesOn) {
  kjt::TempDir dir("kjfile");
  const auto live = dir / "x.log";
  std::string many;
  for (int i = 0; i < 2000; ++i) many += kjt::klog_line('I', 11, 26, 10, 0, i % 60, "r");
  kjt::write_gzip(dir / "x.log.1.gz", many);
  // Cut the compressed file in half.
  std::filesystem::resize_file(dir / "x.log.1.gz",
                               std::filesystem::file_size(dir / "x.log.1.gz") / 2);
  kjt::write_file(live, kjt::klog_line('I', 11, 27, 10, 0, 0, "live"));
  kjt::set_mtime(dir / "x.log.1.gz", kNov27 - kDay + 60);
  kjt::set_mtime(live, kNov27 + 60);
  FileQueryReader reader(live, utc());
  const auto recs = read_all(reader);
  ASSERT_FALSE(recs.empty());
  EXPECT_EQ(recs.back().message, "live");
  ASSERT_EQ(reader.stats().problems.size(), 1u);
  EXPECT_NE(reader.stats().problems[0].find("x.log.1.gz"), std::string::npos);
}

TEST(FileComponentTest, FromPaths) {
  using kj::file::component_from_path;
  EXPECT_EQ(component_from_path("/var/log/kube-scheduler.log"), "kube-scheduler");
  EXPECT_EQ(component_from_path("/var/log/kube-scheduler.log.2.gz"), "kube-scheduler");
  EXPECT_EQ(component_from_path("/var/log/kube-apiserver.log-20261127"), "kube-apiserver");
  EXPECT_EQ(component_from_path(
                "/var/log/pods/kube-system_kube-scheduler-node1_5f3c/kube-scheduler/0.log"),
            "kube-scheduler");
  EXPECT_EQ(component_from_path("/var/log/pods/kube-system_etcd-node1_5f3c/etcd/3.log."
                                "20261127-101010.gz"),
            "etcd");
  EXPECT_EQ(component_from_path("/var/log/containers/kube-proxy-x7k2p_kube-system_kube-proxy-"
                                "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                                ".log"),
            "kube-proxy");
  EXPECT_EQ(component_from_path("/var/log/kube-apiserver.node1.root.log.INFO.20261127-101010.7"),
            "kube-apiserver");
  EXPECT_EQ(component_from_path("/var/log/syslog"), "syslog");
}

}  // namespace
