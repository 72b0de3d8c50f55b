// Protocol Buffers wire format, read by hand: the counterpart of protobuf_writer.h, following
// https://protobuf.dev/programming-guides/encoding/ (tags, varints, fixed32/fixed64 and
// length-delimited fields). kjournal reads only small messages: the OTLP/HTTP answers
// (ExportLogsServiceResponse's partial_success, google.rpc.Status) and, in the tests, the
// request bodies the OTLP and Loki stand-in receivers decode. Generated code would need protoc
// and libprotobuf for that; this reader walks the bytes in place and never throws.
//
// Every read returns false when the input is cut short or malformed; the position is then
// unspecified, so the caller stops and names the input in its error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace kj::exporters::protobuf {

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}

  // True once every byte has been read.
  bool done() const { return pos_ >= data_.size(); }
  // Offset of the next byte to read.
  size_t position() const { return pos_; }

  // A base-128 varint of at most 10 bytes (wire type 0, and the tag and length prefixes).
  bool varint(uint64_t& value);
  // The next field's key; false at a truncated key, field number 0 or one above 2^29-1 (the
  // largest the encoding allows).
  bool tag(uint32_t& field, uint32_t& wire_type);
  // A length-delimited field's contents (wire type 2): a view into the input.
  bool bytes(std::string_view& out);
  bool fixed64(uint64_t& value);  // wire type 1, little-endian
  bool fixed32(uint32_t& value);  // wire type 5, little-endian
  // Passes over one field's value; false for the groups (wire types 3, 4: proto2's
  // deprecated groups, which proto3 messages never use) and unknown wire types.
  bool skip(uint32_t wire_type);

 private:
  bool little_endian(size_t size, uint64_t& value);

  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace kj::exporters::protobuf
