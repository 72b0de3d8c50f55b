// CRI container log lines (`/var/log/pods/.../N.log`, FORMATS.md §5.1) and the reassembly of
// partial lines (§5.2), which Docker json-file chunks (docker_json_parser.h) share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kj {

// `<RFC 3339 time> <stdout|stderr> <P|F>[:tag...] <content>`. The views point into the line.
struct CriLine {
  int64_t time_ns = 0;
  std::string_view stream;   // "stdout" or "stderr"
  bool partial = false;      // first tag is P
  std::string_view tags;     // the whole tag field: "F", "P", "P:TAG1:TAG2"
  std::string_view content;  // may be empty
};

// Parses one line, with or without its terminating "\n". Returns false (out unspecified) for
// anything else: a time that is not RFC 3339 with `T` (any fraction length, `Z` or offset;
// see parse_rfc3339_ns), a stream other than stdout/stderr, a first tag other than P or F,
// or separators other than single blanks. The content is every byte after the blank that
// ends the tags (blanks, tabs, NULs and invalid UTF-8 included); a line that ends right after
// the tags has empty content. For an F line a trailing "\r" is removed as containerd removes
// it (its reader strips "\r\n" pairs), so the same output reads the same under conmon, which
// keeps it; a P chunk keeps it, since the line goes on in the next chunk.
bool parse_cri(std::string_view line, CriLine& out);

// Which stream a chunk belongs to: the reassembly key within one file.
enum class LogStream : uint8_t { stdout_stream, stderr_stream, other };
LogStream log_stream_from_name(std::string_view name);  // "stdout", "stderr", else other
std::string_view log_stream_name(LogStream s);          // "stdout", "stderr", ""

// One physical record of a container log file, whatever its format.
struct LogChunk {
  int64_t time_ns = 0;
  LogStream stream = LogStream::other;
  std::string_view content;
  bool partial = false;  // more of the same line follows in a later chunk of this stream
  uint64_t origin = 0;   // caller's tag for the chunk, e.g. its byte offset in the file
};
LogChunk to_chunk(const CriLine& line, uint64_t origin);

// A logical line out of the reassembler.
struct JoinedLine {
  int64_t time_ns = 0;  // time of the first chunk (the later chunks' times are dropped)
  uint64_t origin = 0;  // origin of the first chunk
  LogStream stream = LogStream::other;
  std::string_view content;
  // The size cap cut the logical line: this record holds max_bytes of it and the next record
  // of the same stream continues it. piece numbers the records of one logical line (0 for
  // the first or only one), so (origin, piece) identifies each.
  bool cut = false;
  uint32_t piece = 0;
  // Emitted by flush() before the final chunk arrived (a `P` at EOF, rotation, idle timeout).
  bool unterminated = false;
};

// Joins partial chunks per stream until a final one (CRI `P`... then `F`; Docker chunks
// without trailing "\n" then one with it). Use one instance per file (= per container
// instance); stdout and stderr chunks may interleave and are joined separately.
//
// Each call returns the logical lines it completed, in order, as views that stay valid until
// the next call on this object: into the chunk passed to add() (the common unsplit final line
// is never copied, so the chunk's bytes must also still be alive) or into the reassembler's
// own buffers. No record is longer than max_bytes: a longer logical line comes out as pieces
// of exactly max_bytes marked `cut`, then the rest; nothing is dropped, and the pieces
// concatenated are the chunks' contents concatenated. Memory per stream stays below
// 2 * max_bytes. Not thread-safe; no clock: the caller decides when to flush (EOF, rotation,
// idle timeout) and can ask what is pending.
class CriReassembler {
 public:
  // The OpenTelemetry container operator's default max_log_size.
  static constexpr size_t kDefaultMaxBytes = size_t{1} << 20;

  explicit CriReassembler(size_t max_bytes = kDefaultMaxBytes);  // 0 counts as 1

  std::span<const JoinedLine> add(const LogChunk& chunk);
  std::span<const JoinedLine> flush(LogStream stream);
  // Every stream's pending line, oldest origin first.
  std::span<const JoinedLine> flush_all();

  bool pending(LogStream stream) const { return slot(stream).active; }
  // The smallest origin of a line still being joined: a checkpoint must not pass it.
  std::optional<uint64_t> oldest_pending_origin() const;
  size_t max_bytes() const { return max_bytes_; }

 private:
  struct Slot {
    std::string buffer;  // the pending line's bytes
    std::string spare;   // the last line handed out from `buffer`, kept alive for its view
    bool active = false;
    int64_t time_ns = 0;
    uint64_t origin = 0;
    uint32_t piece = 0;
  };
  static constexpr size_t kStreams = 3;

  Slot& slot(LogStream s) { return slots_[static_cast<size_t>(s)]; }
  const Slot& slot(LogStream s) const { return slots_[static_cast<size_t>(s)]; }
  void emit(const Slot& s, LogStream stream, std::string_view content, bool cut, bool unterminated);
  void emit_buffer(Slot& s, LogStream stream, bool cut, bool unterminated);
  void flush_into(LogStream stream);

  size_t max_bytes_;
  Slot slots_[kStreams];
  std::vector<JoinedLine> out_;
};

}  // namespace kj
