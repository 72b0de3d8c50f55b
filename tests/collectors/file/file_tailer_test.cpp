#include "collectors/file/file_tailer.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/collectors/file/file_test_util.h"
#include "tests/support/temp_dir.h"

namespace {

using kj::Record;
using kj::file::FilePosition;
using kj::file::FileTailer;
using kj::file::FileTailOptions;
using Clock = std::chrono::steady_clock;

FileTailOptions fast_options(const std::filesystem::path& dir) {
  FileTailOptions o;
  o.globs = {(dir / "*.log").string()};
  o.klog_zone = "UTC";
  o.poll_interval_ms = 10;
  o.rescan_interval_ms = 100;
  o.partial_line_flush_ms = 300;
  o.multiline_flush_ms = 100;
  o.rotate_wait_ms = 300;
  return o;
}

// Polls the tailer until `n` records arrived or `timeout` passed (bounded polling, never a
// fixed sleep).
std::vector<Record> collect(FileTailer& t, size_t n, std::chrono::milliseconds timeout) {
  std::vector<Record> out;
  const auto deadline = Clock::now() + timeout;
  Record r;
  while (out.size() < n && Clock::now() < deadline) {
    if (t.next(r)) {
      out.push_back(r);
    } else {
      t.wait(5'000);
    }
  }
  return out;
}

// Polls for `duration` and returns whatever arrived (to check that nothing more comes).
std::vector<Record> drain_for(FileTailer& t, std::chrono::milliseconds duration) {
  return collect(t, SIZE_MAX, duration);
}

std::vector<std::string> messages(const std::vector<Record>& recs) {
  std::vector<std::string> out;
  for (const auto& r : recs) out.push_back(r.message);
  return out;
}

std::string line(int sec, std::string_view msg) {
  return kjt::klog_line('I', 11, 27, 10, 0, sec, msg);
}

TEST(FileTailerTest, StartsAtEndAndDeliversNewLinesWithinASecond) {
  kjt::TempDir dir("kjtail");
  const auto path = dir / "kube-apiserver.log";
  kjt::write_file(path, line(0, "old one") + line(1, "old two"));
  FileTailer t(fast_options(dir.path()));
  EXPECT_TRUE(drain_for(t, std::chrono::milliseconds(150)).empty());
  const auto start = Clock::now();
  kjt::append_file(path, line(2, "new"));
  const auto recs = collect(t, 1, std::chrono::seconds(2));
  const auto latency = Clock::now() - start;
  ASSERT_EQ(messages(recs), (std::vector<std::string>{"new"}));
  EXPECT_LT(latency, std::chrono::seconds(1));
  EXPECT_EQ(recs[0].component, "kube-apiserver");
  EXPECT_EQ(recs[0].source, path.string());
  EXPECT_GT(recs[0].observed_time_ns, 0);
  EXPECT_FALSE(t.finished());
}

TEST(FileTailerTest, StartAtEndBacksUpToAnUnfinishedLine) {
  kjt::TempDir dir("kjtail");
  const auto path = dir / "x.log";
  kjt::write_file(path, line(0, "done") + "I1127 10:00:01.000000       1 main.go:10] half");
  FileTailer t(fast_options(dir.path()));
  kjt::append_file(path, " and the rest\n" + line(2, "next"));
  const auto recs = collect(t, 2, std::chrono::seconds(2));
  EXPECT_EQ(messages(recs), (std::vector<std::string>{"half and the rest", "next"}));
}

TEST(FileTailerTest, PartialLineWaitsForItsNewlineUpToTheFlushTimeout) {
  kjt::TempDir dir("kjtail");
  const auto path = dir / "x.log";
  kjt::write_file(path, "");
  FileTailOptions o = fast_options(dir.path());
  o.partial_line_flush_ms = 1200;
  FileTailer t(o);
  const auto appended = Clock::now();
  kjt::append_file(path, line(0, "complete") + "I1127 10:00:01.000000       1 main.go:10] unfin");
  // The complete record does not wait for the unfinished line (which starts a new record).
  auto recs = collect(t, 1, std::chrono::seconds(3));
  ASSERT_EQ(messages(recs), (std::vector<std::string>{"complete"}));
  EXPECT_LT(Clock::now() - appended, std::chrono::milliseconds(1000));
  // The unfinished line is not delivered before the flush timeout.
  recs = collect(t, 1, std::chrono::seconds(3));
  ASSERT_EQ(messages(recs), (std::vector<std::string>{"unfin"}));
  EXPECT_GE(Clock::now() - appended, std::chrono::milliseconds(1200));
  // The rest of the line, when it finally comes, is a marked remainder, not lost.
  kjt::append_file(path, "ished\n" + line(2, "after"));
  recs = collect(t, 2, std::chrono::seconds(2));
  ASSERT_EQ(messages(recs), (std::vector<std::string>{"ished", "after"}));
  bool marked = false;
  for (const auto& [k, v] : recs[0].attributes) marked |= k == "split" && v == "last";
  EXPECT_TRUE(marked);
}

TEST(FileTailerTest, MultilineRecordIsCompleteWhenTheWriterPauses) {
  kjt::TempDir dir("kjtail");
  const auto path = dir / "x.log";
  kjt::write_file(path, "");
  FileTailer t(fast_options(dir.path()));
  kjt::append_file(path, kjt::klog_line('F', 11, 27, 10, 0, 0, "boom") +
                             "goroutine 1 [running]:\nmain.main()\n\t/app/main.go:20 +0x1d\n");
  const auto recs = collect(t, 1, std::chrono::seconds(2));
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].message, "boom\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:20 +0x1d");
  EXPECT_EQ(recs[0].severity, kj::Severity::fatal);
}

TEST(FileTailerTest, NewFilesAreReadFromTheirBeginning) {
  kjt::TempDir dir("kjtail");
  FileTailer t(fast_options(dir.path()));
  kjt::write_file(dir / "kube-proxy.log", line(0, "first") + line(1, "second"));
  kjt::write_file(dir / "ignored.log.1", line(0, "rotated name"));
  const auto recs = collect(t, 2, std::chrono::seconds(2));
  EXPECT_EQ(messages(recs), (std::vector<std::string>{"first", "second"}));
  EXPECT_TRUE(drain_for(t, std::chrono::milliseconds(200)).empty());
  EXPECT_EQ(t.open_files(), 1u);
}

TEST(FileTailerTest, DeletedFilesAreReleased) {
  kjt::TempDir dir("kjtail");
  const auto path = dir / "x.log";
  kjt::write_file(path, "");
  const int fds_before = kjt::open_fd_count();
  {
    FileTailer t(fast_options(dir.path()));
    EXPECT_EQ(t.open_files(), 1u);
    kjt::append_file(path, line(0, "last words"));
    EXPECT_EQ(messages(collect(t, 1, std::chrono::seconds(2))),
              (std::vector<std::string>{"last words"}));
    std::filesystem::remove(path);
    const auto deadline = Clock::now() + std::chrono::seconds(3);
    Record r;
    while (t.open_files() != 0 && Clock::now() < deadline) {
      EXPECT_FALSE(t.next(r));
      t.wait(10'000);
    }
    EXPECT_EQ(t.open_files(), 0u);
    EXPECT_EQ(t.stats().files_closed, 1u);
    EXPECT_EQ(kjt::open_fd_count(), fds_before);
  }
  EXPECT_EQ(kjt::open_fd_count(), fds_before);
}

TEST(FileTailerTest, PositionsResumeExactlyWhereDeliveryStopped) {
  kjt::TempDir dir("kjtail");
  const auto path = dir / "x.log";
  kjt::write_file(path, "");
  std::vector<FilePosition> saved;
  {
    FileTailer t(fast_options(dir.path()));
    kjt::append_file(path, line(0, "a") + line(1, "b") + line(2, "c"));
    ASSERT_EQ(messages(collect(t, 3, std::chrono::seconds(2))),
              (std::vector<std::string>{"a", "b", "c"}));
    saved = t.positions();
  }
  ASSERT_EQ(saved.size(), 1u);
  EXPECT_EQ(saved[0].offset, std::filesystem::file_size(path));
  kjt::append_file(path, line(3, "d"));
  // Rotated by rename while we were away; the rest of the old file is read from x.log.1.
  std::filesystem::rename(path, dir / "x.log.1");
  kjt::write_file(path, line(4, "e"));
  FileTailOptions o = fast_options(dir.path());
  o.positions = saved;
  FileTailer t(o);
  EXPECT_EQ(messages(collect(t, 2, std::chrono::seconds(2))), (std::vector<std::string>{"d", "e"}));
  EXPECT_TRUE(drain_for(t, std::chrono::milliseconds(150)).empty());
  EXPECT_EQ(t.stats().resume_misses, 0u);
}

TEST(RotationTest, RenameRotationReadsTheOldInodeToItsEnd) {
  kjt::TempDir dir("kjtail");
  const auto path = dir / "x.log";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
  ASSERT_GE(fd, 0);
  FileTailer t(fast_options(dir.path()));
  auto put = [](int f, const std::string& s) {
    ASSERT_EQ(::write(f, s.data(), s.size()), static_cast<ssize_t>(s.size()));
  };
  put(fd, line(0, "1"));
  ASSERT_EQ(messages(collect(t, 1, std::chrono::seconds(2))), (std::vector<std::string>{"1"}));
  std::filesystem::rename(path, dir / "x.log.1");
  // The writer has not reopened yet: these land in the renamed file.
  put(fd, line(1, "2"));
  const int fd2 = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
  ASSERT_GE(fd2, 0);
  put(fd2, line(2, "3"));
  put(fd, line(1, "2b"));  // very late write to the old file, before the rotate wait ends
  ::close(fd);
  put(fd2, line(3, "4"));
  ::close(fd2);
  const auto recs = collect(t, 4, std::chrono::seconds(3));
  const auto got = messages(recs);
  EXPECT_EQ(std::multiset<std::string>(got.begin(), got.end()),
            (std::multiset<std::string>{"2", "2b", "3", "4"}));
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got[0], "2");  // the old inode first
  EXPECT_TRUE(drain_for(t, std::chrono::milliseconds(500)).empty());
  EXPECT_EQ(t.stats().rotations, 1u);
  EXPECT_EQ(t.open_files(), 1u);  // the renamed file was released after the rotate wait
}

TEST(RotationTest, CopytruncateWithAnAppendingWriterRecoversFromTheCopy) {
  kjt::TempDir dir("kjtail");
  const auto path = dir / "x.log";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
  ASSERT_GE(fd, 0);
  FileTailer t(fast_options(dir.path()));
  auto put = [&](const std::string& s) {
    ASSERT_EQ(::write(fd, s.data(), s.size()), static_cast<ssize_t>(s.size()));
  };
  put(line(0, "1"));
  ASSERT_EQ(messages(collect(t, 1, std::chrono::seconds(2))), (std::vector<std::string>{"1"}));
  put(line(1, "2") + line(2, "3"));
  // logrotate copytruncate: copy, then truncate; the tailer has not read "2" and "3" yet.
  std::filesystem::copy_file(path, dir / "x.log.1");
  ASSERT_EQ(::truncate(path.c_str(), 0), 0);
  put(line(3, "4"));
  const auto recs = collect(t, 3, std::chrono::seconds(3));
  EXPECT_EQ(messages(recs), (std::vector<std::string>{"2", "3", "4"}));
  EXPECT_TRUE(drain_for(t, std::chrono::milliseconds(200)).empty());
  EXPECT_EQ(t.stats().truncations, 1u);
  EXPECT_EQ(t.stats().truncation_recovered_bytes, 2 * line(1, "2").size());
  // An O_APPEND writer starts over at 0: what it wrote between copy and truncation (nothing,
  // here) leaves no trace, so the truncation counts as unmeasured.
  EXPECT_EQ(t.stats().truncations_unmeasured, 1u);
  EXPECT_EQ(t.stats().truncation_lost_bytes, 0u);
  ::close(fd);
}

TEST(RotationTest, CopytruncateWithANonAppendingWriterMeasuresTheLoss) {
  kjt::TempDir dir("kjtail");
  const auto path = dir / "x.log";
  // Without O_APPEND the writer goes on at its own offset after the truncation.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  FileTailer t(fast_options(dir.path()));
  auto put = [&](const std::string& s) {
    ASSERT_EQ(::write(fd, s.data(), s.size()), static_cast<ssize_t>(s.size()));
  };
  put(line(0, "1"));
  ASSERT_EQ(messages(collect(t, 1, std::chrono::seconds(2))), (std::vector<std::string>{"1"}));
  put(line(1, "2") + line(2, "3"));
  std::filesystem::copy_file(path, dir / "x.log.1");
  put(line(3, "lost between copy and truncate"));
  ASSERT_EQ(::truncate(path.c_str(), 0), 0);
  put(line(4, "5"));
  const auto recs = collect(t, 3, std::chrono::seconds(3));
  EXPECT_EQ(messages(recs), (std::vector<std::string>{"2", "3", "5"}));
  EXPECT_TRUE(drain_for(t, std::chrono::milliseconds(200)).empty());
  EXPECT_EQ(t.stats().truncations, 1u);
  EXPECT_EQ(t.stats().truncations_unmeasured, 0u);
  EXPECT_EQ(t.stats().truncation_lost_bytes, line(3, "lost between copy and truncate").size());
  ::close(fd);
}

TEST(RotationTest, CopytruncateRecoversFromACompressedCopy) {
  kjt::TempDir dir("kjtail");
  const auto path = dir / "x.log";
  kjt::write_file(path, "");
  FileTailer t(fast_options(dir.path()));
  kjt::append_file(path, line(0, "1"));
  ASSERT_EQ(messages(collect(t, 1, std::chrono::seconds(2))), (std::vector<std::string>{"1"}));
  std::string more;
  for (int i = 2; i <= 50; ++i) more += line(i % 60, std::to_string(i));
  kjt::append_file(path, more);
  // copytruncate with compress: by the time the tailer looks, only x.log.1.gz is left.
  std::ifstream in(path, std::ios::binary);
  const std::string whole((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  kjt::write_gzip(dir / "x.log.1.gz", whole);
  std::filesystem::resize_file(path, 0);
  kjt::append_file(path, line(59, "after"));
  const auto recs = collect(t, 50, std::chrono::seconds(3));
  ASSERT_EQ(recs.size(), 50u);
  for (int i = 2; i <= 50; ++i)
    EXPECT_EQ(recs[static_cast<size_t>(i - 2)].message, std::to_string(i));
  EXPECT_EQ(recs.back().message, "after");
  EXPECT_EQ(t.stats().truncation_recovered_bytes, more.size());
}

// The load test: a writer appends fixed-size, sequence-numbered lines at >= 10,000 lines/s
// for ~5 s while the file is rotated every second, alternately by rename(+create) and by
// copytruncate. Every line of the rename rotations must arrive exactly once; what the
// copytruncates lost (lines written between the copy and the truncation) must be exactly what
// the tailer reports as lost.
class RotationUnderLoad {
 public:
  static constexpr size_t kLineSize = 128;  // divides the page size: lines never straddle pages

  explicit RotationUnderLoad(std::filesystem::path path) : path_(std::move(path)) {
    // Not O_APPEND: like most daemons' stderr redirects. After a copytruncate it goes on at its
    // own offset, which leaves a hole the tailer can measure.
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  }
  ~RotationUnderLoad() {
    if (fd_ >= 0) ::close(fd_);
  }

  static std::string make_line(uint64_t seq) {
    char head[80];
    std::snprintf(head, sizeof head, "I1127 10:%02d:%02d.%06d       1 load.go:1] seq=%010llu ",
                  static_cast<int>(seq / 600000 % 60), static_cast<int>(seq / 10000 % 60),
                  static_cast<int>(seq % 10000 * 100), static_cast<unsigned long long>(seq));
    std::string s(head);
    s.resize(kLineSize - 1, 'x');
    s.push_back('\n');
    return s;
  }

  // Writes lines until `stop`, about `rate` per second.
  void write_lines(const std::atomic<bool>& stop, int rate) {
    const auto start = Clock::now();
    while (!stop.load()) {
      for (int i = 0; i < 50; ++i) {
        std::lock_guard<std::mutex> lock(mu_);
        const std::string s = make_line(next_seq_);
        ASSERT_EQ(::write(fd_, s.data(), s.size()), static_cast<ssize_t>(s.size()));
        ++next_seq_;
      }
      const auto due = start + std::chrono::microseconds(int64_t{1'000'000} *
                                                         static_cast<int64_t>(next_seq_) / rate);
      std::this_thread::sleep_until(due);
    }
  }

  // Rename rotation: rename, let the writer go on into the renamed file for a moment (it has
  // not been told yet), then reopen.
  void rotate_by_rename(const std::filesystem::path& to) {
    std::filesystem::rename(path_, to);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::lock_guard<std::mutex> lock(mu_);
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_GE(fd, 0);
    ::close(fd_);
    fd_ = fd;
  }

  // copytruncate as logrotate does it, racing with the writer: lines written after the copy
  // read the end of the file and before the truncation are lost.
  void rotate_by_copytruncate(const std::filesystem::path& to) {
    const int in = ::open(path_.c_str(), O_RDONLY);
    const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_GE(in, 0);
    ASSERT_GE(out, 0);
    char buf[1 << 16];
    ssize_t n;
    while ((n = ::read(in, buf, sizeof buf)) > 0) {
      ASSERT_EQ(::write(out, buf, static_cast<size_t>(n)), n);
    }
    ::close(in);
    ::close(out);
    // logrotate's copy and truncate are separate steps; a pause between them makes the loss
    // window real (the writer keeps going), so the test sees a gap to account for.
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_EQ(::truncate(path_.c_str(), 0), 0);
  }

  uint64_t written() {
    std::lock_guard<std::mutex> lock(mu_);
    return next_seq_;
  }

 private:
  std::filesystem::path path_;
  std::mutex mu_;
  int fd_ = -1;
  uint64_t next_seq_ = 0;
};

TEST(RotationTest, RotationUnderLoadDeliversEveryLineOnceAndCountsCopytruncateLoss) {
  kjt::TempDir dir("kjtail");
  const auto path = dir / "load.log";
  RotationUnderLoad load(path);
  FileTailOptions o = fast_options(dir.path());
  o.start_at_end = false;
  o.rotate_wait_ms = 500;
  FileTailer tailer(o);

  std::atomic<bool> stop{false};
  std::map<uint64_t, int> seen;
  uint64_t unparsed = 0;
  std::atomic<bool> reader_stop{false};
  // Held by the reader while it uses the tailer; the rotator holds it across a copytruncate
  // so the tailer cannot read the lines written between copy and truncation before they are
  // truncated away: the loss is then certain, and must be reported exactly.
  std::mutex reader_mu;
  std::atomic<bool> paused{false};
  auto read_loop = [&] {
    Record r;
    while (!reader_stop.load()) {
      if (paused.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        continue;
      }
      bool got;
      {
        std::lock_guard<std::mutex> lock(reader_mu);
        got = tailer.next(r);
      }
      if (!got) {
        tailer.wait(5'000);
        continue;
      }
      unsigned long long seq = 0;
      if (std::sscanf(r.message.c_str(), "seq=%llu", &seq) != 1) {
        ++unparsed;
        continue;
      }
      ++seen[seq];
    }
  };
  std::thread reader(read_loop);
  std::thread writer([&] { load.write_lines(stop, 12'000); });

  const auto start = Clock::now();
  for (int i = 1; i <= 5; ++i) {
    std::this_thread::sleep_until(start + std::chrono::seconds(i));
    char name[64];
    std::snprintf(name, sizeof name, "load.log-202611270000%02d", i);
    if (i % 2 == 1) {
      load.rotate_by_rename(dir / name);
    } else {
      paused = true;
      {
        std::lock_guard<std::mutex> lock(reader_mu);
        load.rotate_by_copytruncate(dir / name);
      }
      paused = false;
    }
  }
  stop = true;
  writer.join();
  const auto elapsed = Clock::now() - start;
  const uint64_t written = load.written();
  // At least 10,000 lines/s on average.
  EXPECT_GE(static_cast<double>(written) / std::chrono::duration<double>(elapsed).count(),
            10'000.0);

  // Bounded wait until everything that can arrive has arrived.
  const auto deadline = Clock::now() + std::chrono::seconds(8);
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    reader_stop = true;
    reader.join();
    const uint64_t lost_lines = tailer.stats().truncation_lost_bytes / RotationUnderLoad::kLineSize;
    if (seen.size() + lost_lines >= written || Clock::now() > deadline) break;
    reader_stop = false;
    reader = std::thread(read_loop);
  }

  const auto& st = tailer.stats();
  EXPECT_EQ(unparsed, 0u);
  uint64_t duplicates = 0;
  std::vector<uint64_t> missing;
  for (uint64_t s = 0; s < written; ++s) {
    const auto it = seen.find(s);
    if (it == seen.end()) {
      missing.push_back(s);
    } else if (it->second > 1) {
      ++duplicates;
    }
  }
  EXPECT_EQ(duplicates, 0u);
  EXPECT_EQ(seen.size() + missing.size(), written);
  // The loss the tailer reports is exactly the gap in the sequence numbers.
  EXPECT_EQ(st.truncation_lost_bytes % RotationUnderLoad::kLineSize, 0u);
  EXPECT_EQ(missing.size(), st.truncation_lost_bytes / RotationUnderLoad::kLineSize)
      << "first missing: " << (missing.empty() ? 0 : missing.front());
  EXPECT_GT(missing.size(), 0u) << "the copytruncate windows lost nothing: the test did not "
                                   "exercise loss accounting";
  EXPECT_EQ(st.truncations, 2u);
  EXPECT_EQ(st.truncations_unmeasured, 0u);
  EXPECT_GE(st.rotations, 3u);
  // Missing lines come in at most one contiguous run per copytruncate.
  size_t runs = 0;
  for (size_t i = 0; i < missing.size(); ++i) runs += (i == 0 || missing[i] != missing[i - 1] + 1);
  EXPECT_LE(runs, 2u);
  std::printf(
      "[ load     ] %llu lines in %.2f s, %llu lost to copytruncate, %llu recovered bytes\n",
      static_cast<unsigned long long>(written), std::chrono::duration<double>(elapsed).count(),
      static_cast<unsigned long long>(missing.size()),
      static_cast<unsigned long long>(st.truncation_recovered_bytes));
}

}  // namespace
