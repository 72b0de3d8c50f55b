#include "core/cri_parser.h"

#include <algorithm>
#include <array>
#include <utility>

#include "core/rfc3339.h"

namespace kj {

bool parse_cri(std::string_view line, CriLine& out) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);

  // RFC 3339 times are 20 to 35 bytes (64 leaves room for over-long fractions); bounding the
  // search keeps a long line without blanks from being scanned to its end.
  const size_t time_end = line.substr(0, 64).find(' ');
  if (time_end == std::string_view::npos) return false;
  const auto ns = parse_rfc3339_ns(line.substr(0, time_end));
  if (!ns) return false;

  std::string_view rest = line.substr(time_end + 1);
  if (rest.size() < 7 || rest[6] != ' ') return false;
  const std::string_view stream = rest.substr(0, 6);
  if (stream != "stdout" && stream != "stderr") return false;
  rest.remove_prefix(7);

  if (rest.empty() || (rest[0] != 'P' && rest[0] != 'F')) return false;
  size_t tags_end = std::min(rest.find(' '), rest.size());
  if (tags_end > 1 && rest[1] != ':') return false;  // "PX", "Full": not a P/F tag
  const bool partial = rest[0] == 'P';

  std::string_view content = tags_end < rest.size() ? rest.substr(tags_end + 1) : rest.substr(0, 0);
  if (!partial && !content.empty() && content.back() == '\r') content.remove_suffix(1);

  out.time_ns = *ns;
  out.stream = stream;
  out.partial = partial;
  out.tags = rest.substr(0, tags_end);
  out.content = content;
  return true;
}

LogStream log_stream_from_name(std::string_view name) {
  if (name == "stdout") return LogStream::stdout_stream;
  if (name == "stderr") return LogStream::stderr_stream;
  return LogStream::other;
}

std::string_view log_stream_name(LogStream s) {
  switch (s) {
    case LogStream::stdout_stream:
      return "stdout";
    case LogStream::stderr_stream:
      return "stderr";
    case LogStream::other:
      break;
  }
  return "";
}

LogChunk to_chunk(const CriLine& line, uint64_t origin) {
  return LogChunk{line.time_ns, log_stream_from_name(line.stream), line.content, line.partial,
                  origin};
}

CriReassembler::CriReassembler(size_t max_bytes) : max_bytes_(std::max<size_t>(max_bytes, 1)) {}

void CriReassembler::emit(const Slot& s, LogStream stream, std::string_view content, bool cut,
                          bool unterminated) {
  out_.push_back(JoinedLine{s.time_ns, s.origin, stream, content, cut, s.piece, unterminated});
}

void CriReassembler::emit_buffer(Slot& s, LogStream stream, bool cut, bool unterminated) {
  // The record views `spare`; `buffer` starts empty again with spare's old capacity. At most
  // one record per call comes from a slot's buffer, so the view survives until the next call.
  std::swap(s.buffer, s.spare);
  s.buffer.clear();
  emit(s, stream, s.spare, cut, unterminated);
}

std::span<const JoinedLine> CriReassembler::add(const LogChunk& chunk) {
  out_.clear();
  Slot& s = slot(chunk.stream);
  std::string_view c = chunk.content;
  if (!s.active) {
    if (!chunk.partial && c.size() <= max_bytes_) {
      // The common case: a whole line in one chunk, handed out without a copy.
      out_.push_back(JoinedLine{chunk.time_ns, chunk.origin, chunk.stream, c, false, 0, false});
      return out_;
    }
    s.active = true;
    s.time_ns = chunk.time_ns;
    s.origin = chunk.origin;
    s.piece = 0;
    s.buffer.clear();
  }
  while (s.buffer.size() + c.size() > max_bytes_) {
    if (s.buffer.empty()) {
      emit(s, chunk.stream, c.substr(0, max_bytes_), true, false);
      c.remove_prefix(max_bytes_);
    } else {
      const size_t room = max_bytes_ - s.buffer.size();
      s.buffer.append(c.substr(0, room));
      c.remove_prefix(room);
      emit_buffer(s, chunk.stream, true, false);
    }
    ++s.piece;
  }
  if (chunk.partial) {
    s.buffer.append(c);
    return out_;
  }
  if (s.buffer.empty()) {
    emit(s, chunk.stream, c, false, false);
  } else {
    s.buffer.append(c);
    emit_buffer(s, chunk.stream, false, false);
  }
  s.active = false;
  return out_;
}

void CriReassembler::flush_into(LogStream stream) {
  Slot& s = slot(stream);
  if (!s.active) return;
  s.active = false;
  // A cut always leaves at least one byte behind, so this is never an empty continuation.
  emit_buffer(s, stream, false, true);
}

std::span<const JoinedLine> CriReassembler::flush(LogStream stream) {
  out_.clear();
  flush_into(stream);
  return out_;
}

std::span<const JoinedLine> CriReassembler::flush_all() {
  out_.clear();
  std::array<LogStream, kStreams> order = {LogStream::stdout_stream, LogStream::stderr_stream,
                                           LogStream::other};
  std::stable_sort(order.begin(), order.end(),
                   [this](LogStream a, LogStream b) { return slot(a).origin < slot(b).origin; });
  for (LogStream s : order) flush_into(s);
  return out_;
}

std::optional<uint64_t> CriReassembler::oldest_pending_origin() const {
  std::optional<uint64_t> oldest;
  for (const Slot& s : slots_) {
    if (s.active && (!oldest || s.origin < *oldest)) oldest = s.origin;
  }
  return oldest;
}

}  // namespace kj
