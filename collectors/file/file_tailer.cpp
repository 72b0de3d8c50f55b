#include "collectors/file/file_tailer.h"

#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <utility>

#include "collectors/file/line_reader.h"
#include "collectors/file/record_assembler.h"
#include "collectors/file/rotated_siblings.h"

namespace kj::file {
namespace {

constexpr int64_t kNsPerMs = 1'000'000;

int64_t clock_ns(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

long pread_all(int fd, char* dst, size_t n, uint64_t offset) {
  ssize_t got;
  do {
    got = pread(fd, dst, n, static_cast<off_t>(offset));
  } while (got < 0 && errno == EINTR);
  return static_cast<long>(got);
}

// Where to start reading a file "at its end": after its last complete line, so a line being
// written right now is delivered whole instead of as a torn remainder.
uint64_t start_of_unfinished_line(int fd, uint64_t size) {
  constexpr size_t kLook = 64 * 1024;
  if (size == 0) return 0;
  const size_t want = static_cast<size_t>(std::min<uint64_t>(size, kLook));
  std::string tail(want, '\0');
  const long n = pread_all(fd, tail.data(), want, size - want);
  if (n != static_cast<long>(want)) return size;
  const size_t nl = tail.rfind('\n');
  if (nl == std::string::npos) return want == size ? 0 : size;
  return size - want + nl + 1;
}

// Uncompressed size from a gzip trailer (ISIZE, modulo 2^32; exact for the single-member
// files logrotate and the kubelet write, below 4 GiB).
std::optional<uint64_t> gzip_isize(int fd) {
  struct stat st {};
  if (fstat(fd, &st) != 0 || st.st_size < 18) return std::nullopt;
  unsigned char b[4];
  if (pread_all(fd, reinterpret_cast<char*>(b), 4, static_cast<uint64_t>(st.st_size) - 4) != 4) {
    return std::nullopt;
  }
  return uint64_t{b[0]} | uint64_t{b[1]} << 8 | uint64_t{b[2]} << 16 | uint64_t{b[3]} << 24;
}

enum class Pump { idle, data, truncated };

}  // namespace

struct FileTailer::Pipeline {
  Pipeline(size_t buffer_bytes, size_t max_record_bytes)
      : reader(buffer_bytes), assembler(max_record_bytes) {}
  LineReader reader;
  RecordAssembler assembler;
  FileContext ctx;
};

struct FileTailer::Tailed {
  ~Tailed() { close_input(); }
  void close_input() {
    if (gz) {
      gz->close();  // owns the descriptor
      gz.reset();
      fd = -1;
    }
    if (fd >= 0) ::close(fd);
    fd = -1;
  }

  std::string path;  // the live path it was found under
  int fd = -1;
  std::unique_ptr<GzipInput> gz;  // a compressed rotated copy being drained
  uint64_t dev = 0, ino = 0;      // of the open file
  Fingerprint fp;
  std::unique_ptr<Pipeline> p;
  bool detached = false;     // no longer at its path: rotated, deleted, or a copy
  bool static_copy = false;  // nothing more will be written to it: close at its end
  bool at_eof = false;
  bool closing = false;
  // After a truncation: skip the NUL bytes a non-O_APPEND writer leaves before its next
  // write (their length tells how much was written between copy and truncation).
  bool hole_skip = false;
  uint64_t hole_pos = 0;
  uint64_t loss_base = 0;      // old content up to here was read or is readable from the copy
  uint64_t max_size_seen = 0;  // largest verified size before a truncation
  int64_t last_growth_ns = 0;  // monotonic
  int64_t last_path_check_ns = 0;
  int64_t last_fp_check_ns = 0;
};

FileTailer::FileTailer(FileTailOptions options)
    : opt_(std::move(options)), decoder_(opt_.klog_zone) {
  opt_.poll_interval_ms = std::max<uint64_t>(opt_.poll_interval_ms, 1);
  scan(true);
  next_rescan_ns_ =
      clock_ns(CLOCK_MONOTONIC) + static_cast<int64_t>(opt_.rescan_interval_ms) * kNsPerMs;
}

FileTailer::~FileTailer() = default;

void FileTailer::add_file(const std::string& path, int fd, uint64_t dev, uint64_t ino,
                          uint64_t offset, bool detached) {
  auto f = std::make_unique<Tailed>();
  f->path = path;
  f->fd = fd;
  f->dev = dev;
  f->ino = ino;
  f->detached = detached;
  f->static_copy = detached;
  if (const auto head = read_head(fd)) f->fp = fingerprint_of(*head);
  f->p = std::make_unique<Pipeline>(opt_.buffer_bytes, opt_.max_record_bytes);
  f->p->reader.reset(offset);
  FileContext& ctx = f->p->ctx;
  ctx.path = path;
  ctx.component = component_from_path(path);
  ctx.device = dev;
  ctx.inode = ino;
  ctx.fingerprint = f->fp.hash;
  f->max_size_seen = offset;
  f->last_growth_ns = clock_ns(CLOCK_MONOTONIC);
  ++stats_.files_opened;
  files_.push_back(std::move(f));
}

void FileTailer::resume_or_start(const std::string& path, int fd, uint64_t dev, uint64_t ino,
                                 uint64_t size) {
  bool have_position = false;
  bool live_resumed = false;
  for (const FilePosition& pos : opt_.positions) {
    if (pos.path != path) continue;
    have_position = true;
    const Fingerprint want{pos.fingerprint, pos.fingerprint_length, true};
    if (pos.device == dev && pos.inode == ino && !live_resumed) {
      const auto head = read_head(fd);
      if (head && fingerprint_matches(want, *head) && size >= pos.offset) {
        add_file(path, fd, dev, ino, pos.offset, false);
        live_resumed = true;
        continue;
      }
    }
    // The file was rotated since: find it among the siblings by its content.
    bool found = false;
    for (const RotatedFile& sib : rotated_siblings(path)) {
      if (sib.gzip) continue;
      const int sfd = ::open(sib.path.c_str(), O_RDONLY | O_CLOEXEC);
      if (sfd < 0) continue;
      struct stat st {};
      const auto head = read_head(sfd);
      if (fstat(sfd, &st) == 0 && head && fingerprint_matches(want, *head) &&
          static_cast<uint64_t>(st.st_size) >= pos.offset) {
        add_file(path, sfd, st.st_dev, st.st_ino, pos.offset, true);
        // Ids stay those of the original file.
        files_.back()->p->ctx.device = pos.device;
        files_.back()->p->ctx.inode = pos.inode;
        found = true;
        break;
      }
      ::close(sfd);
    }
    if (!found) ++stats_.resume_misses;
  }
  if (live_resumed) return;
  // A live file that no position names is new since the checkpoint: all of it is unread.
  const uint64_t offset =
      have_position ? 0 : (opt_.start_at_end ? start_of_unfinished_line(fd, size) : 0);
  add_file(path, fd, dev, ino, offset, false);
}

void FileTailer::scan(bool initial) {
  const int64_t now = clock_ns(CLOCK_MONOTONIC);
  std::map<std::string, struct stat> found;
  for (const std::string& pattern : opt_.globs) {
    glob_t g{};
    if (glob(pattern.c_str(), 0, nullptr, &g) == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) {
        const std::string path = g.gl_pathv[i];
        const size_t slash = path.rfind('/');
        if (is_rotated_name(slash == std::string::npos ? path : path.substr(slash + 1))) {
          continue;
        }
        struct stat st {};
        if (stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) found.emplace(path, st);
      }
    }
    globfree(&g);
  }

  for (auto& f : files_) {
    if (f->detached) continue;
    const auto it = found.find(f->path);
    if (it == found.end() || it->second.st_dev != f->dev || it->second.st_ino != f->ino) {
      // Renamed away or deleted: drain it, and give a writer that has not reopened yet the
      // rotate wait to finish.
      f->detached = true;
      f->last_growth_ns = std::max(f->last_growth_ns, now);
      ++stats_.rotations;
    }
  }

  for (const auto& [path, st] : found) {
    const bool known = std::any_of(files_.begin(), files_.end(), [&](const auto& f) {
      return f->dev == st.st_dev && f->ino == st.st_ino;
    });
    if (known) continue;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    struct stat fst {};
    if (fstat(fd, &fst) != 0 || !S_ISREG(fst.st_mode)) {
      ::close(fd);
      continue;
    }
    if (initial) {
      resume_or_start(path, fd, fst.st_dev, fst.st_ino, static_cast<uint64_t>(fst.st_size));
    } else {
      add_file(path, fd, fst.st_dev, fst.st_ino, 0, false);
    }
  }
}

bool FileTailer::verify_fingerprint(Tailed& f) {
  const auto head = read_head(f.fd);
  if (!head) return true;  // cannot tell; the size check still guards
  if (!fingerprint_matches(f.fp, *head)) return false;
  if (!f.fp.complete && head->size() > f.fp.length) {
    f.fp = fingerprint_of(*head);
    f.p->ctx.fingerprint = f.fp.hash;
  }
  return true;
}

bool FileTailer::pump_hole(Tailed& f) {
  struct stat st {};
  if (fstat(f.fd, &st) != 0 || static_cast<uint64_t>(st.st_size) <= f.hole_pos) {
    f.at_eof = true;
    return false;
  }
  char buf[16 * 1024];
  const size_t want = static_cast<size_t>(
      std::min<uint64_t>(sizeof buf, static_cast<uint64_t>(st.st_size) - f.hole_pos));
  const long n = pread_all(f.fd, buf, want, f.hole_pos);
  if (n <= 0) {
    f.at_eof = true;
    return false;
  }
  size_t zeros = 0;
  while (zeros < static_cast<size_t>(n) && buf[zeros] == '\0') ++zeros;
  f.hole_pos += zeros;
  f.at_eof = false;
  if (zeros == static_cast<size_t>(n)) return true;
  // Content starts here. A hole means a writer without O_APPEND went on at its own offset: the
  // hole is as long as the old file was at the truncation, so its end measures the loss.
  const uint64_t t = f.hole_pos;
  if (t == 0) {
    ++stats_.truncations_unmeasured;
    if (f.max_size_seen > f.loss_base)
      stats_.truncation_lost_bytes += f.max_size_seen - f.loss_base;
  } else if (t > f.loss_base) {
    stats_.truncation_lost_bytes += t - f.loss_base;
  }
  f.hole_skip = false;
  f.p->reader.reset(t);
  f.max_size_seen = t;
  if (const auto head = read_head(f.fd)) f.fp = fingerprint_of(*head);
  f.p->ctx.fingerprint = f.fp.hash;
  return true;
}

void FileTailer::handle_truncation(size_t index, int64_t now) {
  Tailed& f = *files_[index];
  ++stats_.truncations;
  const uint64_t read_to = f.p->reader.read_offset();

  // The old content goes on in a drain entry that keeps the pipeline (half-read lines,
  // pending records) and reads the rest from the rotated copy, if there is one.
  auto drain = std::make_unique<Tailed>();
  drain->path = f.path;
  drain->dev = f.dev;
  drain->ino = f.ino;
  drain->fp = f.fp;
  drain->detached = true;
  drain->static_copy = true;
  drain->last_growth_ns = now;
  drain->p = std::move(f.p);

  uint64_t loss_base = read_to;
  if (f.fp.length > 0) {
    const auto siblings = rotated_siblings(f.path);
    for (auto it = siblings.rbegin(); it != siblings.rend(); ++it) {
      const int fd = ::open(it->path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) continue;
      struct stat st {};
      if (fstat(fd, &st) != 0 || (st.st_dev == f.dev && st.st_ino == f.ino)) {
        ::close(fd);
        continue;
      }
      if (!it->gzip) {
        const auto head = read_head(fd);
        if (head && fingerprint_matches(f.fp, *head) &&
            static_cast<uint64_t>(st.st_size) >= read_to) {
          drain->fd = fd;
          loss_base = static_cast<uint64_t>(st.st_size);
          break;
        }
        ::close(fd);
        continue;
      }
      const auto isize = gzip_isize(fd);
      auto gz = std::make_unique<GzipInput>();
      if (!gz->open(fd)) continue;
      // Compare the start, then skip what was already read from the original.
      std::string head(kFingerprintMaxBytes, '\0');
      const long n = gz->read(head.data(), head.size());
      head.resize(n > 0 ? static_cast<size_t>(n) : 0);
      if (!isize || !fingerprint_matches(f.fp, head) || *isize < read_to || !gz->rewind()) {
        continue;
      }
      uint64_t pos = 0;
      char skip[16 * 1024];
      while (pos < read_to) {
        const long k =
            gz->read(skip, static_cast<size_t>(std::min<uint64_t>(sizeof skip, read_to - pos)));
        if (k <= 0) break;
        pos += static_cast<uint64_t>(k);
      }
      if (pos != read_to) continue;
      drain->gz = std::move(gz);
      loss_base = *isize;
      break;
    }
  }
  if (loss_base > read_to) stats_.truncation_recovered_bytes += loss_base - read_to;

  // The live file starts over.
  f.p = std::make_unique<Pipeline>(opt_.buffer_bytes, opt_.max_record_bytes);
  f.p->ctx = drain->p->ctx;
  f.p->reader.reset(0);
  f.fp = {};
  f.hole_skip = true;
  f.hole_pos = 0;
  f.loss_base = loss_base;
  f.at_eof = false;
  f.last_growth_ns = now;
  files_.insert(files_.begin() + static_cast<ptrdiff_t>(index), std::move(drain));
}

bool FileTailer::pump_round(int64_t now) {
  bool progress = false;
  std::vector<std::string_view> busy;  // paths whose older file still had data this round
  for (size_t i = 0; i < files_.size(); ++i) {
    Tailed& f = *files_[i];
    if (f.closing) continue;
    if (!f.detached &&
        std::find(busy.begin(), busy.end(), std::string_view(f.path)) != busy.end()) {
      continue;
    }
    Pump r = Pump::idle;
    Pipeline& p = *f.p;
    const uint64_t before = p.reader.read_offset();
    if (f.gz) {
      const long n = p.reader.fill([&](char* dst, size_t k) { return f.gz->read(dst, k); });
      if (n < 0) ++stats_.read_errors;
      r = n > 0 ? Pump::data : Pump::idle;
    } else if (f.fd < 0) {
      r = Pump::idle;
    } else if (f.hole_skip) {
      r = pump_hole(f) ? Pump::data : Pump::idle;
      if (r == Pump::data) progress = true;
      continue;
    } else {
      struct stat st {};
      if (fstat(f.fd, &st) != 0) {
        ++stats_.read_errors;
      } else if (!f.detached && static_cast<uint64_t>(st.st_size) < before) {
        r = Pump::truncated;
      } else if (!f.detached && static_cast<uint64_t>(st.st_size) == before &&
                 now - f.last_fp_check_ns >=
                     static_cast<int64_t>(opt_.poll_interval_ms) * kNsPerMs) {
        // Same size as what we read: possibly truncated and rewritten up to the same size (an
        // O_APPEND writer after copytruncate). Only the first bytes can tell.
        f.last_fp_check_ns = now;
        if (!verify_fingerprint(f)) r = Pump::truncated;
      } else if (static_cast<uint64_t>(st.st_size) > before) {
        const long n =
            p.reader.fill([&](char* dst, size_t k) { return pread_all(f.fd, dst, k, before); });
        if (n < 0) ++stats_.read_errors;
        if (n > 0) {
          r = Pump::data;
          if (!f.detached) {
            // Checked after the read: if the file was rewritten before or during it, what
            // was read may be new content at the old offset, so it is dropped again.
            if (!verify_fingerprint(f)) {
              p.reader.unread_from(before);
              r = Pump::truncated;
            } else {
              f.max_size_seen = std::max(f.max_size_seen, static_cast<uint64_t>(st.st_size));
            }
          }
        }
      }
    }
    if (r == Pump::truncated) {
      handle_truncation(i, now);
      ++i;  // the live file moved behind its drain entry; it starts over next round
      progress = true;
      continue;
    }
    if (r == Pump::idle) {
      f.at_eof = true;
      if (!f.detached &&
          now - f.last_path_check_ns >= static_cast<int64_t>(opt_.poll_interval_ms) * kNsPerMs) {
        // A rotation shows as the path naming another file: look now rather than at the next
        // rescan, so the new file is picked up as soon as the old one is drained.
        f.last_path_check_ns = now;
        struct stat st {};
        if (stat(f.path.c_str(), &st) != 0 || st.st_dev != f.dev || st.st_ino != f.ino) {
          rescan_requested_ = true;
        }
      }
      continue;
    }
    stats_.bytes_read += p.reader.read_offset() - before;
    f.at_eof = false;
    f.last_growth_ns = now;
    progress = true;
    if (f.detached) busy.push_back(f.path);
    Line line;
    while (p.reader.next(line)) p.assembler.push(line);
  }
  return progress;
}

void FileTailer::run_timers(int64_t now) {
  if (rescan_requested_ || now >= next_rescan_ns_) {
    rescan_requested_ = false;
    next_rescan_ns_ = now + static_cast<int64_t>(opt_.rescan_interval_ms) * kNsPerMs;
    scan(false);
  }
  for (auto& fp : files_) {
    Tailed& f = *fp;
    if (f.closing || !f.at_eof || f.hole_skip) continue;
    Pipeline& p = *f.p;
    const int64_t idle = now - f.last_growth_ns;
    const bool final = f.detached && (f.static_copy ||
                                      idle >= static_cast<int64_t>(opt_.rotate_wait_ms) * kNsPerMs);
    Line line;
    if (final || idle >= static_cast<int64_t>(opt_.partial_line_flush_ms) * kNsPerMs) {
      if (p.reader.take_partial(line)) p.assembler.push(line);
      p.assembler.flush_partials();
    }
    // A pending record is complete after a pause, unless a held unfinished line may still
    // turn out to continue it (it does not when it already shows a record start).
    const bool next_unknown =
        p.reader.unconsumed() != 0 &&
        record_start_format(p.reader.unconsumed_bytes()) == LineFormat::unknown;
    if (final ||
        (!next_unknown && idle >= static_cast<int64_t>(opt_.multiline_flush_ms) * kNsPerMs)) {
      p.assembler.flush_groups();
    }
    if (final) {
      f.closing = true;
      f.close_input();
      ++stats_.files_closed;
    }
  }
  std::erase_if(files_, [](const auto& f) { return f->closing && !f->p->assembler.has_ready(); });
}

bool FileTailer::next(Record& out) {
  for (;;) {
    for (auto& f : files_) {
      if (!f->p->assembler.pop(grouped_)) continue;
      decoder_.decode(grouped_, f->p->ctx, out);
      out.observed_time_ns = clock_ns(CLOCK_REALTIME);
      ++stats_.records;
      return true;
    }
    const int64_t now = clock_ns(CLOCK_MONOTONIC);
    if (pump_round(now)) continue;
    run_timers(now);
    const bool ready = std::any_of(files_.begin(), files_.end(),
                                   [](const auto& f) { return f->p->assembler.has_ready(); });
    if (!ready) return false;
  }
}

void FileTailer::wait(uint64_t timeout_us) {
  const bool ready = std::any_of(files_.begin(), files_.end(),
                                 [](const auto& f) { return f->p->assembler.has_ready(); });
  if (ready) return;
  const uint64_t us = std::min<uint64_t>(timeout_us, opt_.poll_interval_ms * 1000);
  timespec ts{static_cast<time_t>(us / 1'000'000), static_cast<long>(us % 1'000'000) * 1000};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

std::vector<FilePosition> FileTailer::positions() const {
  std::vector<FilePosition> out;
  out.reserve(files_.size());
  for (const auto& f : files_) {
    const Pipeline& p = *f->p;
    uint64_t offset = f->hole_skip ? f->hole_pos : p.reader.consumed_offset();
    if (const auto pending = p.assembler.oldest_pending_offset()) {
      offset = std::min(offset, *pending);
    }
    out.push_back({f->path, p.ctx.device, p.ctx.inode, f->fp.hash, f->fp.length, offset});
  }
  return out;
}

}  // namespace kj::file
