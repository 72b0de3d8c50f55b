#include "cli/source_set.h"

#include <glob.h>
#include <sched.h>
#include <sys/stat.h>

#include <algorithm>
#include <set>

#include "collectors/file/file_query_plan.h"
#include "collectors/file/file_query_reader.h"
#include "collectors/file/file_tailer.h"

namespace kj::cli {
namespace {

constexpr const char* kComponentLogs[] = {"kube-apiserver",
                                          "kube-controller-manager",
                                          "kube-scheduler",
                                          "kube-proxy",
                                          "kubelet",
                                          "containerd",
                                          "docker",
                                          "crio",
                                          "etcd",
                                          "cloud-controller-manager",
                                          "cluster-autoscaler"};

// A log path whose files hold less than this is read on the calling thread: starting threads
// and handing text between them is not worth it.
constexpr uint64_t kParallelMinBytes = uint64_t{4} << 20;

uint64_t bytes_on_disk(const std::vector<file::RotatedFile>& files) {
  uint64_t total = 0;
  for (const auto& f : files) {
    struct stat st {};
    if (stat(f.path.c_str(), &st) == 0) total += static_cast<uint64_t>(st.st_size);
  }
  return total;
}

std::vector<std::string> expand(const std::string& pattern) {
  std::vector<std::string> out;
  glob_t g{};
  if (glob(pattern.c_str(), 0, nullptr, &g) == 0)
    for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  globfree(&g);
  return out;
}

// Applies the query's post-filter to a source that cannot apply it itself.
class FilteredSource final : public RecordSource {
 public:
  FilteredSource(std::unique_ptr<RecordSource> inner, journal::RecordFilter filter)
      : inner_(std::move(inner)), filter_(std::move(filter)) {}
  bool next(Record& out) override {
    while (inner_->next(out))
      if (filter_(out)) return true;
    return false;
  }
  bool finished() const override { return inner_->finished(); }
  void wait(uint64_t timeout_us) override { inner_->wait(timeout_us); }

 private:
  std::unique_ptr<RecordSource> inner_;
  journal::RecordFilter filter_;
};

std::unique_ptr<RecordSource> filtered(std::unique_ptr<RecordSource> s,
                                       const journal::RecordFilter& f) {
  if (!f) return s;
  return std::make_unique<FilteredSource>(std::move(s), f);
}

}  // namespace

unsigned file_reading_threads() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  return static_cast<unsigned>(std::clamp(CPU_COUNT(&set), 1, 4));
}

bool wants_files(const QueryOptions& o) {
  // -u names journal units; log files have none.
  return o.files && (o.units.empty() || !o.file_globs.empty());
}

std::vector<std::string> default_log_patterns(const std::string& log_dir) {
  std::vector<std::string> out;
  for (const char* name : kComponentLogs) out.push_back(log_dir + "/" + name + ".log");
  out.push_back(log_dir + "/pods/kube-system_*/*/*.log");
  return out;
}

SourceSet open_sources(const QueryOptions& o, const RecordFilterFactory& filters,
                       RecordFormatter& formatter) {
  SourceSet set;
  const journal::RecordFilter filter = filters ? filters() : journal::RecordFilter{};
  auto formatted = [&formatter](std::unique_ptr<RecordSource> s) {
    return std::make_unique<FormattingSource>(std::move(s), formatter);
  };
  std::string journal_error;
  if (o.journal) {
    journal::JournalQuery q;
    q.source = o.source;
    q.units = o.units;
    q.components = o.components;
    q.all = o.all;
    q.since_us = o.since_us;
    q.until_us = o.until_us;
    q.lines = o.lines;
    // With log files in the merge every source must run forward (files cannot be read
    // backwards); the CLI then reverses the merged window itself.
    q.reverse = o.reverse && !wants_files(o);
    q.follow = o.follow;
    q.after_cursor = o.after_cursor;
    for (const auto& f : o.format.fields) {
      bool schema = false;
      for (auto k : kJsonKeys) schema = schema || k == f;
      if (!schema) q.extra_fields.push_back(f);
    }
    q.want_cursor = is_json(o.format.mode);
    q.parse_messages = !o.raw_messages;
    try {
      auto reader = std::make_unique<journal::JournalReader>(std::move(q), filter);
      set.journal = reader.get();
      for (const auto& p : reader->inventory().problems)
        set.warnings.push_back("skipping " + p.path + ": " + p.reason);
      set.sources.push_back(formatted(std::move(reader)));
    } catch (const journal::JournalError& e) {
      // An explicitly named journal must be readable; the local one may be absent on hosts
      // that log to /var/log only.
      if (o.journal_source_given || !o.files) throw;
      journal_error = e.what();
    }
  }

  if (wants_files(o)) {
    std::vector<std::string> patterns = default_log_patterns(o.log_dir);
    patterns.insert(patterns.end(), o.file_globs.begin(), o.file_globs.end());
    if (o.follow) {
      file::FileTailOptions t;
      t.globs = patterns;
      t.klog_zone = o.timezone;
      t.start_at_end = true;
      set.sources.push_back(
          formatted(filtered(std::make_unique<file::FileTailer>(std::move(t)), filter)));
      ++set.file_sources;
    } else {
      // The paths first: how many are large decides how the CPUs are shared among them.
      struct Path {
        std::string path;
        bool large = false;
      };
      std::vector<Path> paths;
      size_t large = 0;
      std::set<std::string> seen;
      for (const auto& pattern : patterns) {
        // A literal path is passed even when only its rotated siblings exist.
        for (auto& path : pattern.find_first_of("*?[") == std::string::npos
                              ? std::vector<std::string>{pattern}
                              : expand(pattern)) {
          if (!seen.insert(path).second) continue;
          const auto files = file::files_to_query(path, true);
          if (files.empty()) continue;
          const bool is_large = bytes_on_disk(files) >= kParallelMinBytes;
          large += is_large ? 1 : 0;
          paths.push_back({std::move(path), is_large});
        }
      }
      // Each large path gets its share of the CPUs, at least one worker: with several large
      // logs (a control plane node's apiserver, controller-manager, scheduler and etcd) their
      // workers run side by side and the calling thread only merges, and memory stays a few
      // chunks per path.
      const unsigned cpus = file_reading_threads();
      const unsigned per_path = large == 0 ? 1 : std::max(1u, cpus / static_cast<unsigned>(large));
      for (const auto& p : paths) {
        file::FileQueryOptions fo;
        if (o.since_us) fo.since_ns = *o.since_us * 1000;
        if (o.until_us) fo.until_ns = *o.until_us * 1000;
        fo.klog_zone = o.timezone;
        if (cpus > 1 && p.large) {
          ParallelReadOptions par;
          par.threads = per_path;
          par.chunks_ahead = 3 * size_t{per_path};
          auto reader = std::make_unique<ParallelFileSource>(p.path, fo, o.format, filters, par);
          set.file_stats.push_back(&reader->stats());
          set.sources.push_back(std::move(reader));
        } else {
          auto reader = std::make_unique<file::FileQueryReader>(p.path, fo);
          set.file_stats.push_back(&reader->stats());
          set.sources.push_back(formatted(filtered(std::move(reader), filter)));
        }
        ++set.file_sources;
      }
    }
  }

  if (!journal_error.empty()) {
    if (set.file_sources == 0)
      throw journal::JournalError(journal_error + "; and no log files in " + o.log_dir);
    set.warnings.push_back(journal_error + " (showing log files only)");
  }
  return set;
}

}  // namespace kj::cli
