#include "collectors/file/record_assembler.h"

#include <algorithm>
#include <utility>

#include "core/line_format.h"

namespace kj::file {
namespace {

size_t index_of(LogStream s) {
  return static_cast<size_t>(s);
}

}  // namespace

RecordAssembler::RecordAssembler(size_t max_record_bytes)
    : max_record_(max_record_bytes),
      reassembler_(max_record_bytes),
      groupers_{MultilineGrouper(max_record_bytes), MultilineGrouper(max_record_bytes),
                MultilineGrouper(max_record_bytes)},
      ring_(4) {}

void RecordAssembler::reset() {
  envelope_ = Envelope::undecided;
  reassembler_ = CriReassembler(max_record_);
  GroupedRecord scratch;
  for (MultilineGrouper& g : groupers_) g.flush(scratch);
  head_ = count_ = 0;
  in_piece_ = false;
}

GroupedRecord& RecordAssembler::slot_for_push() {
  if (count_ == ring_.size()) {
    std::rotate(ring_.begin(), ring_.begin() + static_cast<ptrdiff_t>(head_), ring_.end());
    head_ = 0;
    ring_.resize(ring_.size() * 2);
  }
  return ring_[(head_ + count_) & (ring_.size() - 1)];
}

void RecordAssembler::group(const GroupLine& line) {
  GroupedRecord& slot = slot_for_push();
  if (groupers_[index_of(line.stream)].push(line, slot)) commit_push();
}

void RecordAssembler::group_joined(std::span<const JoinedLine> lines) {
  for (const JoinedLine& j : lines) {
    group(GroupLine{j.content, j.origin, j.time_ns, j.stream, j.piece > 0});
  }
}

void RecordAssembler::push(const Line& line) {
  if (envelope_ == Envelope::undecided && !line.text.empty() && !line.continued) {
    switch (detect_format(line.text)) {
      case LineFormat::cri:
        envelope_ = Envelope::cri;
        break;
      case LineFormat::docker_json:
        envelope_ = Envelope::docker;
        break;
      default:
        envelope_ = Envelope::none;
    }
  }
  if (envelope_ == Envelope::cri || envelope_ == Envelope::docker) {
    push_container(line);
    return;
  }
  group(GroupLine{line.text, line.offset, kNoTime, LogStream::other, line.continued});
}

void RecordAssembler::push_container(const Line& line) {
  if (line.continued && in_piece_) {
    if (piece_is_envelope_) {
      const LogChunk chunk{piece_time_, piece_stream_, line.text, line.more || piece_partial_,
                           line.offset};
      group_joined(reassembler_.add(chunk));
    } else {
      group(GroupLine{line.text, line.offset, kNoTime, LogStream::other, true});
    }
    in_piece_ = line.more;
    return;
  }
  in_piece_ = false;
  if (envelope_ == Envelope::docker) {
    // Docker lines are JSON: a piece of one cannot be parsed, so over-long ones stay text.
    if (line.continued || line.more || !parse_docker_json(line.text, docker_)) {
      if (!line.continued && !line.text.empty()) ++unwrap_failures_;
      group(GroupLine{line.text, line.offset, kNoTime, LogStream::other, line.continued});
      in_piece_ = line.more;
      piece_is_envelope_ = false;
      return;
    }
    group_joined(reassembler_.add(to_chunk(docker_, line.offset)));
    return;
  }
  CriLine cri;
  if (line.continued || !parse_cri(line.text, cri)) {
    // Not an envelope line (or the rest of one already flushed): keep it as plain text.
    if (!line.continued && !line.text.empty()) ++unwrap_failures_;
    group(GroupLine{line.text, line.offset, kNoTime, LogStream::other, line.continued});
    in_piece_ = line.more;
    piece_is_envelope_ = false;
    return;
  }
  LogChunk chunk = to_chunk(cri, line.offset);
  if (line.more) {
    // The rest of this physical line follows as pieces without an envelope.
    in_piece_ = true;
    piece_is_envelope_ = true;
    piece_time_ = chunk.time_ns;
    piece_stream_ = chunk.stream;
    piece_partial_ = chunk.partial;
    chunk.partial = true;
  }
  group_joined(reassembler_.add(chunk));
}

void RecordAssembler::flush_partials() {
  group_joined(reassembler_.flush_all());
}

void RecordAssembler::flush_groups() {
  for (MultilineGrouper& g : groupers_) {
    if (g.flush(slot_for_push())) commit_push();
  }
}

bool RecordAssembler::pop(GroupedRecord& out) {
  if (count_ == 0) return false;
  GroupedRecord& r = ring_[head_];
  out.text.swap(r.text);
  out.offset = r.offset;
  out.time_ns = r.time_ns;
  out.stream = r.stream;
  out.start = r.start;
  out.klog = r.klog;
  out.split = r.split;
  out.lines = r.lines;
  head_ = (head_ + 1) & (ring_.size() - 1);
  --count_;
  return true;
}

bool RecordAssembler::has_pending() const {
  if (reassembler_.oldest_pending_origin()) return true;
  for (const MultilineGrouper& g : groupers_) {
    if (g.has_pending()) return true;
  }
  return false;
}

std::optional<uint64_t> RecordAssembler::oldest_pending_offset() const {
  std::optional<uint64_t> oldest = reassembler_.oldest_pending_origin();
  auto consider = [&](uint64_t off) {
    if (!oldest || off < *oldest) oldest = off;
  };
  for (const MultilineGrouper& g : groupers_) {
    if (g.has_pending()) consider(g.pending_offset());
  }
  for (size_t i = 0; i < count_; ++i) consider(ring_[(head_ + i) & (ring_.size() - 1)].offset);
  return oldest;
}

}  // namespace kj::file
