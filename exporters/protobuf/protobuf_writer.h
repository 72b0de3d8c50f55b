// Protocol Buffers wire format, written by hand for the two small, stable schemas kjournal
// sends (OTLP ExportLogsServiceRequest, Loki PushRequest): tags, varints, fixed64 and
// length-delimited fields, following https://protobuf.dev/programming-guides/encoding/.
// Generated code from libprotobuf would add protoc to the build and a second in-memory copy
// of every record; this writer appends straight to the request body.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kj::exporters::protobuf {

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  void varint_field(uint32_t field, uint64_t value);   // wire type 0 (int32/int64/uint/enum/bool)
  void fixed64_field(uint32_t field, uint64_t value);  // wire type 1
  void double_field(uint32_t field, double value);     // wire type 1
  void bytes_field(uint32_t field, std::string_view value);  // wire type 2 (string/bytes)

  // A nested message: begin_message() writes the tag, the fields that follow belong to it
  // until the matching end_message() writes its length. Nesting is allowed.
  void begin_message(uint32_t field);
  void end_message();

  // Bytes written so far to `out` (for size limits while encoding).
  size_t size() const { return out_.size(); }

 private:
  void tag(uint32_t field, uint32_t wire_type);
  void varint(uint64_t value);

  std::string& out_;
  std::vector<size_t> open_;  // offsets of the one-byte length placeholders
};

// Bytes a varint of `value` takes (1..10).
size_t varint_size(uint64_t value);

}  // namespace kj::exporters::protobuf
