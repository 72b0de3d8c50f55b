#include "exporters/protobuf/protobuf_writer.h"

#include <bit>
#include <cstring>
#include <stdexcept>

namespace kj::exporters::protobuf {

size_t varint_size(uint64_t value) {
  size_t n = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++n;
  }
  return n;
}

void Writer::varint(uint64_t value) {
  while (value >= 0x80) {
    out_.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out_.push_back(static_cast<char>(value));
}

void Writer::tag(uint32_t field, uint32_t wire_type) {
  varint((static_cast<uint64_t>(field) << 3) | wire_type);
}

void Writer::varint_field(uint32_t field, uint64_t value) {
  tag(field, 0);
  varint(value);
}

void Writer::fixed64_field(uint32_t field, uint64_t value) {
  tag(field, 1);
  for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

void Writer::double_field(uint32_t field, double value) {
  fixed64_field(field, std::bit_cast<uint64_t>(value));
}

void Writer::bytes_field(uint32_t field, std::string_view value) {
  tag(field, 2);
  varint(value.size());
  out_.append(value);
}

void Writer::begin_message(uint32_t field) {
  tag(field, 2);
  // Most messages (a LogRecord, an attribute) are shorter than 128 bytes, so one byte is
  // reserved for the length; end_message() moves the body when it needs more.
  open_.push_back(out_.size());
  out_.push_back('\0');
}

void Writer::end_message() {
  if (open_.empty()) throw std::logic_error("protobuf::Writer: end_message without begin");
  const size_t at = open_.back();
  open_.pop_back();
  const size_t body_start = at + 1;
  const uint64_t length = out_.size() - body_start;
  const size_t need = varint_size(length);
  if (need > 1) {
    const size_t body_size = out_.size() - body_start;
    out_.resize(out_.size() + need - 1);
    std::memmove(out_.data() + body_start + need - 1, out_.data() + body_start, body_size);
  }
  uint64_t v = length;
  for (size_t i = 0; i < need; ++i) {
    out_[at + i] = static_cast<char>((v & 0x7f) | (i + 1 < need ? 0x80 : 0));
    v >>= 7;
  }
}

}  // namespace kj::exporters::protobuf
