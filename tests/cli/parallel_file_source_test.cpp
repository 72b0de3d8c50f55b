// The parallel reader must print exactly what one sequential pass over the same files prints:
// each case reads real files (plain, gzip, container logs) both ways and compares the bytes
// and the statistics.
#include "cli/parallel_file_source.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "collectors/file/file_query_reader.h"
#include "tests/collectors/file/file_test_util.h"
#include "tests/support/temp_dir.h"

namespace kj::cli {
namespace {

constexpr int64_t kNs = 1'000'000'000;
// `date -u -d '2026-11-27 10:00:00 UTC' +%s`
constexpr int64_t kNov27 = 1795773600;

file::FileQueryOptions small_buffers() {
  file::FileQueryOptions o;
  o.klog_zone = "UTC";
  // Small limits so that over-long lines and records are cut, also across chunk boundaries.
  o.buffer_bytes = 2048;
  o.max_record_bytes = 3000;
  return o;
}

FormatOptions json() {
  FormatOptions f;
  f.mode = OutputMode::json;
  f.utc = true;
  return f;
}

struct Output {
  std::string text;
  file::FileQueryStats stats;
};

Output sequential(const std::filesystem::path& live, const file::FileQueryOptions& o,
                  const FormatOptions& f, const RecordFilterFactory& filters = {}) {
  RecordFormatter fmt(f);
  file::FileQueryReader reader(live, o);
  const journal::RecordFilter filter = filters ? filters() : journal::RecordFilter{};
  Output out;
  Record r;
  while (reader.next(r)) {
    if (!filter || filter(r)) fmt.append(out.text, r);
  }
  out.stats = reader.stats();
  return out;
}

Output parallel(const std::filesystem::path& live, const file::FileQueryOptions& o,
                const FormatOptions& f, ParallelReadOptions p,
                const RecordFilterFactory& filters = {}) {
  ParallelFileSource source(live, o, f, filters, p);
  Output out;
  int64_t key = 0, again = 0;
  while (source.peek(key)) {
    EXPECT_TRUE(source.peek(again));  // peeking again gives the same entry
    EXPECT_EQ(key, again);
    source.take(out.text);
  }
  EXPECT_TRUE(source.finished());
  out.stats = source.stats();
  return out;
}

// The same, taking runs of entries as the merge of a single source does.
Output parallel_in_runs(const std::filesystem::path& live, const file::FileQueryOptions& o,
                        const FormatOptions& f, ParallelReadOptions p, size_t run_bytes,
                        const RecordFilterFactory& filters = {}) {
  ParallelFileSource source(live, o, f, filters, p);
  Output out;
  int64_t key = 0;
  while (source.peek(key)) {
    const size_t before = out.text.size();
    EXPECT_GE(source.take_run(out.text, INT64_MAX, true, before + run_bytes), 1u);
  }
  EXPECT_TRUE(source.finished());
  out.stats = source.stats();
  return out;
}

ParallelReadOptions tiny_chunks(unsigned threads, uint64_t chunk_bytes) {
  ParallelReadOptions p;
  p.threads = threads;
  p.chunk_bytes = chunk_bytes;
  p.chunks_ahead = 3;
  p.block_bytes = 1500;
  p.blocks_per_chunk = 2;
  return p;
}

void expect_same(const Output& want, const Output& got, bool compare_bytes_read = true) {
  ASSERT_FALSE(want.text.empty());
  EXPECT_EQ(want.text.size(), got.text.size());
  EXPECT_TRUE(want.text == got.text) << "outputs differ";
  EXPECT_EQ(want.stats.records, got.stats.records);
  EXPECT_EQ(want.stats.out_of_order, got.stats.out_of_order);
  EXPECT_EQ(want.stats.files_read, got.stats.files_read);
  EXPECT_EQ(want.stats.files_skipped, got.stats.files_skipped);
  EXPECT_EQ(want.stats.bytes_skipped, got.stats.bytes_skipped);
  EXPECT_EQ(want.stats.unwrap_failures, got.stats.unwrap_failures);
  EXPECT_EQ(want.stats.problems, got.stats.problems);
  if (compare_bytes_read) {
    EXPECT_EQ(want.stats.bytes_read, got.stats.bytes_read);
  }
}

// klog text with what makes cutting hard: multi-line records (stack traces, `key=<` blocks
// whose indented lines look like klog headers), lines longer than the line limit, records
// longer than the record limit, lines without a time, and times a little out of order (and
// now and then far out of order, beyond the reordering window).
std::string klog_text(uint32_t seed, int records, int start_second) {
  std::mt19937 rng(seed);
  std::string out;
  for (int i = 0; i < records; ++i) {
    int s = start_second + i / 4;
    if (rng() % 7 == 0) s -= static_cast<int>(rng() % 3);  // small disorder
    if (rng() % 500 == 0) s -= 400;                        // beyond the window
    const char sev = "IIIIWEE"[rng() % 7];
    const int micros = static_cast<int>(rng() % 1'000'000);
    std::string msg = "\"step " + std::to_string(i) + "\" pod=\"kube-system/p-" +
                      std::to_string(rng() % 50) + "\" n=" + std::to_string(rng() % 1000);
    out += kjt::klog_line(sev, 11, 27, 10 + s / 3600, s / 60 % 60, s % 60, msg, micros);
    switch (rng() % 40) {
      case 0:
        out += "goroutine 1 [running]:\nmain.main()\n\t/src/main.go:12 +0x1d\n";
        break;
      case 1:
        out.pop_back();  // the record's line goes on with a `key=<` block
        out += " data=<\n\tI1127 10:00:00.000000       1 fake.go:1] inside\n >\n";
        break;
      case 2:
        out += "\t" + std::string(5000 + rng() % 3000, 'x') + "\n";  // line and record cut
        break;
      case 3:
        out += "plain text without a time " + std::to_string(i) + "\n";
        break;
      case 4:
        out += std::string(2500, 'y') + "\n";  // a long line that starts no record
        break;
      default:
        break;
    }
  }
  return out;
}

TEST(ParallelFileSource, SameOutputAsOnePassForManyCuts) {
  kjt::TempDir dir("kjpar");
  const auto live = dir / "kube-scheduler.log";
  kjt::write_file(live, klog_text(1, 4000, 0));
  kjt::set_mtime(live, kNov27 + 3 * 3600);
  const auto o = small_buffers();
  const Output want = sequential(live, o, json());
  EXPECT_GT(want.stats.out_of_order, 0u);  // the far-off records are there
  for (unsigned threads : {1u, 2u, 3u}) {
    for (uint64_t chunk : {700u, 4096u, 65536u}) {
      SCOPED_TRACE("threads " + std::to_string(threads) + " chunk " + std::to_string(chunk));
      expect_same(want, parallel(live, o, json(), tiny_chunks(threads, chunk)));
    }
  }
}

// Mostly in time order, as real logs are: whole blocks in order, now and then a record a few
// milliseconds early (sorted by the window, also across the end of a block) or far early.
std::string nearly_ordered_klog_text(uint32_t seed, int records) {
  std::mt19937 rng(seed);
  std::string out;
  int64_t us = 0;
  for (int i = 0; i < records; ++i) {
    us += 1 + rng() % 1000;
    int64_t t = us;
    if (rng() % 20 == 0) t -= rng() % 5000;
    if (rng() % 400 == 0) t -= 20'000'000;
    t = std::max<int64_t>(t, 0);
    const int s = static_cast<int>(t / 1'000'000);
    out += kjt::klog_line("IIIWE"[rng() % 5], 11, 27, 10 + s / 3600, s / 60 % 60, s % 60,
                          "\"step " + std::to_string(i) + "\" n=" + std::to_string(rng() % 1000),
                          static_cast<int>(t % 1'000'000));
    if (rng() % 50 == 0) out += "goroutine 1 [running]:\nmain.main()\n";
  }
  return out;
}

TEST(ParallelFileSource, SmallReorderWindowsAndRuns) {
  // Blocks in time order skip the reordering window, except for their last entries: with a
  // window smaller than a block, that path carries most entries; the disorder in the text
  // (near and far) must still come out exactly as one pass sorts it.
  kjt::TempDir dir("kjpar");
  const auto live = dir / "kube-scheduler.log";
  kjt::write_file(live, nearly_ordered_klog_text(11, 12000));
  kjt::set_mtime(live, kNov27 + 3 * 3600);
  auto filters = [] {
    return journal::RecordFilter(
        [](const Record& r) { return r.message.find('3') == std::string::npos; });
  };
  for (size_t records : {size_t{1}, size_t{3}, size_t{16}}) {
    for (size_t bytes : {size_t{100}, size_t{16} << 20}) {
      auto o = small_buffers();
      o.reorder_records = records;
      o.reorder_bytes = bytes;
      SCOPED_TRACE("window " + std::to_string(records) + " records, " + std::to_string(bytes) +
                   " bytes");
      const Output want = sequential(live, o, json());
      EXPECT_GT(want.stats.out_of_order, 0u);
      auto p = tiny_chunks(2, 16384);
      p.block_bytes = 8192;  // dozens of entries per block
      expect_same(want, parallel(live, o, json(), p));
      for (size_t run : {size_t{1}, size_t{5000}, size_t{1} << 30})
        expect_same(want, parallel_in_runs(live, o, json(), p, run));
      const Output filtered = sequential(live, o, json(), filters);
      expect_same(filtered, parallel(live, o, json(), p, filters));
      expect_same(filtered, parallel_in_runs(live, o, json(), p, 5000, filters));
    }
  }
}

TEST(ParallelFileSource, ShortOutputAndDefaultLimits) {
  kjt::TempDir dir("kjpar");
  const auto live = dir / "kube-controller-manager.log";
  kjt::write_file(live, klog_text(2, 6000, 100));
  kjt::set_mtime(live, kNov27 + 3 * 3600);
  file::FileQueryOptions o;
  o.klog_zone = "UTC";
  FormatOptions f;
  f.mode = OutputMode::short_precise;
  f.utc = true;
  const Output want = sequential(live, o, f);
  ParallelReadOptions p;
  p.chunk_bytes = 8192;
  expect_same(want, parallel(live, o, f, p));
  expect_same(want, parallel_in_runs(live, o, f, p, 65536));
}

TEST(ParallelFileSource, FiltersPerThreadKeepTheOrderOfUnfilteredReading) {
  kjt::TempDir dir("kjpar");
  const auto live = dir / "kube-scheduler.log";
  kjt::write_file(live, klog_text(3, 5000, 0));
  kjt::set_mtime(live, kNov27 + 3 * 3600);
  // A filter with per-instance state, like a -g matcher: each thread must get its own.
  RecordFilterFactory filters = [] {
    auto calls = std::make_shared<uint64_t>(0);
    return journal::RecordFilter([calls](const Record& r) {
      ++*calls;
      return r.severity == Severity::error || r.message.find("7") != std::string::npos;
    });
  };
  const auto o = small_buffers();
  const Output want = sequential(live, o, json(), filters);
  expect_same(want, parallel(live, o, json(), tiny_chunks(2, 2000), filters));
}

TEST(ParallelFileSource, RotatedSiblingsGzipAndFilesStartingWithoutATime) {
  kjt::TempDir dir("kjpar");
  const auto live = dir / "kube-apiserver.log";
  // The rotated files start with lines that carry no time: they take the time of the last
  // record of the file before, which a thread reading them only knows once that file is read.
  kjt::write_gzip(dir / "kube-apiserver.log.3.gz", klog_text(4, 1500, 0));
  kjt::write_file(dir / "kube-apiserver.log.2",
                  "no time here\nnor here\n" + klog_text(5, 1500, 400));
  kjt::write_gzip(dir / "kube-apiserver.log.1.gz", "untimed start\n" + klog_text(6, 1500, 800));
  kjt::write_file(live, "untimed too\n" + klog_text(7, 1500, 1200));
  for (int i = 1; i <= 3; ++i) {
    const std::string name = "kube-apiserver.log." + std::to_string(i) + (i == 2 ? "" : ".gz");
    kjt::set_mtime(dir / name, kNov27 + 3600 - i * 100);
  }
  kjt::set_mtime(live, kNov27 + 3600);
  const auto o = small_buffers();
  const Output want = sequential(live, o, json());
  EXPECT_EQ(want.stats.files_read, 4u);
  for (unsigned threads : {2u, 3u})
    expect_same(want, parallel(live, o, json(), tiny_chunks(threads, 3000)));
}

TEST(ParallelFileSource, TimeWindowWithBisectionAndEarlyStop) {
  kjt::TempDir dir("kjpar");
  const auto live = dir / "kube-proxy.log";
  std::string content;
  for (int part = 0; content.size() < (size_t{6} << 20); ++part)
    content += klog_text(100 + static_cast<uint32_t>(part), 2000, part * 500);
  kjt::write_file(live, content);
  kjt::set_mtime(live, kNov27 + 10 * 3600);
  auto o = small_buffers();
  o.since_ns = (kNov27 + 3600) * kNs;
  o.until_ns = (kNov27 + 2 * 3600) * kNs;
  const Output want = sequential(live, o, json());
  EXPECT_GT(want.stats.bytes_skipped, 0u);
  // Past `until` the workers may have read ahead: only what was merged is the same.
  const Output got = parallel(live, o, json(), tiny_chunks(2, 64 * 1024));
  expect_same(want, got, false);
}

TEST(ParallelFileSource, ContainerLogsAndATruncatedGzip) {
  kjt::TempDir dir("kjpar");
  const auto pod = dir / "kube-system_etcd-node1_0123" / "etcd";
  std::filesystem::create_directories(pod);
  std::string cri;
  for (int i = 0; i < 3000; ++i) {
    char ts[64];
    std::snprintf(ts, sizeof ts, "2026-11-27T10:%02d:%02d.%09dZ", i / 60 % 60, i % 60, i);
    cri += std::string(ts) + (i % 3 ? " stdout F " : " stderr P ") +
           kjt::klog_line('I', 11, 27, 10, i / 60 % 60, i % 60, "cri " + std::to_string(i));
  }
  std::string whole = cri;
  kjt::write_gzip(pod / "0.log.20261127-100000.gz", cri);
  // Cut the compressed sibling: its records up to the cut are shown, and the file is named.
  const auto gz = pod / "0.log.20261127-100000.gz";
  std::filesystem::resize_file(gz, std::filesystem::file_size(gz) / 2);
  kjt::write_file(pod / "0.log", cri);
  kjt::set_mtime(pod / "0.log", kNov27 + 3600);
  const auto o = small_buffers();
  const Output want = sequential(pod / "0.log", o, json());
  ASSERT_EQ(want.stats.problems.size(), 1u);
  expect_same(want, parallel(pod / "0.log", o, json(), tiny_chunks(2, 4096)));
}

TEST(ParallelFileSource, StoppingEarlyJoinsTheWorkers) {
  kjt::TempDir dir("kjpar");
  const auto live = dir / "kube-scheduler.log";
  kjt::write_file(live, klog_text(9, 20000, 0));
  kjt::set_mtime(live, kNov27 + 3 * 3600);
  // JSON output is one line per record: the first `taken` lines are what an early stop shows.
  const std::string all = sequential(live, small_buffers(), json()).text;
  for (int taken : {0, 1, 50}) {
    ParallelFileSource source(live, small_buffers(), json(), {}, tiny_chunks(2, 4096));
    std::string out;
    int64_t key;
    for (int i = 0; i < taken && source.peek(key); ++i) source.take(out);
    size_t end = 0;
    for (int i = 0; i < taken; ++i) end = all.find('\n', end) + 1;
    EXPECT_EQ(out, all.substr(0, end)) << taken;
    EXPECT_FALSE(source.finished());
    // Leaving scope stops the workers mid-file; a hang here fails the test by its timeout.
  }
}

TEST(ParallelFileSource, UnknownZoneIsReportedAtOnce) {
  EXPECT_THROW(
      {
        file::FileQueryOptions o;
        o.klog_zone = "Nowhere/Atlantis";
        ParallelFileSource s("/nonexistent/x.log", o, json(), {}, {});
      },
      std::invalid_argument);
}

}  // namespace
}  // namespace kj::cli
