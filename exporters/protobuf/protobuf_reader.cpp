#include "exporters/protobuf/protobuf_reader.h"

namespace kj::exporters::protobuf {

bool Reader::varint(uint64_t& value) {
  value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= data_.size()) return false;
    const auto byte = static_cast<unsigned char>(data_[pos_++]);
    value |= uint64_t{byte & 0x7fu} << shift;
    if (!(byte & 0x80)) return true;
  }
  return false;
}

bool Reader::tag(uint32_t& field, uint32_t& wire_type) {
  uint64_t key = 0;
  if (!varint(key) || (key >> 3) == 0 || (key >> 3) > 0x1fffffff) return false;
  field = static_cast<uint32_t>(key >> 3);
  wire_type = static_cast<uint32_t>(key & 7);
  return true;
}

bool Reader::bytes(std::string_view& out) {
  uint64_t size = 0;
  if (!varint(size) || size > data_.size() - pos_) return false;
  out = data_.substr(pos_, size);
  pos_ += size;
  return true;
}

bool Reader::little_endian(size_t size, uint64_t& value) {
  if (size > data_.size() - pos_) return false;
  value = 0;
  for (size_t i = 0; i < size; ++i)
    value |= uint64_t{static_cast<unsigned char>(data_[pos_ + i])} << (8 * i);
  pos_ += size;
  return true;
}

bool Reader::fixed64(uint64_t& value) {
  return little_endian(8, value);
}

bool Reader::fixed32(uint32_t& value) {
  uint64_t v = 0;
  if (!little_endian(4, v)) return false;
  value = static_cast<uint32_t>(v);
  return true;
}

bool Reader::skip(uint32_t wire_type) {
  uint64_t number = 0;
  uint32_t number32 = 0;
  std::string_view contents;
  switch (wire_type) {
    case 0:
      return varint(number);
    case 1:
      return fixed64(number);
    case 2:
      return bytes(contents);
    case 5:
      return fixed32(number32);
    default:
      return false;
  }
}

}  // namespace kj::exporters::protobuf
