// The writer's bytes are checked two ways: against hand-computed encodings from the
// protobuf encoding guide, and by protoc --decode_raw, an independent decoder.
#include "exporters/protobuf/protobuf_writer.h"

#include <gtest/gtest.h>

#include "tests/support/process.h"

namespace kj::exporters::protobuf {
namespace {

std::string hex(const std::string& s) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

TEST(ProtobufWriterTest, VarintsMatchTheEncodingGuide) {
  std::string out;
  Writer w(out);
  w.varint_field(1, 150);  // the guide's example: 08 96 01
  EXPECT_EQ(hex(out), "089601");
  out.clear();
  w.varint_field(2, 0);
  w.varint_field(3, 1);
  w.varint_field(16, 300);  // field 16 needs a two-byte tag: 80 01
  EXPECT_EQ(hex(out),
            "10001801"
            "8001ac02");
  EXPECT_EQ(varint_size(0), 1u);
  EXPECT_EQ(varint_size(127), 1u);
  EXPECT_EQ(varint_size(128), 2u);
  EXPECT_EQ(varint_size(~uint64_t{0}), 10u);
}

TEST(ProtobufWriterTest, Fixed64IsLittleEndian) {
  std::string out;
  Writer w(out);
  w.fixed64_field(1, 0x0102030405060708ULL);
  EXPECT_EQ(hex(out), "090807060504030201");
}

TEST(ProtobufWriterTest, StringsAndNestedMessages) {
  std::string out;
  Writer w(out);
  w.bytes_field(2, "testing");  // guide: 12 07 74 65 73 74 69 6e 67
  EXPECT_EQ(hex(out), "120774657374696e67");
  out.clear();
  w.begin_message(3);
  w.varint_field(1, 150);
  w.end_message();
  EXPECT_EQ(hex(out), "1a03089601");  // guide's embedded message example
}

TEST(ProtobufWriterTest, LongNestedMessageGetsAMultiByteLength) {
  std::string out;
  Writer w(out);
  w.begin_message(1);
  w.begin_message(2);
  w.bytes_field(3, std::string(300, 'a'));
  w.end_message();
  w.varint_field(4, 7);
  w.end_message();
  // inner: 1a ac02 + 300 bytes = 303 bytes; outer body: 12 af02 + 303 + 2007 = 308 bytes.
  ASSERT_EQ(out.size(), 1 + 2 + 308u);
  EXPECT_EQ(hex(out.substr(0, 6)), "0ab40212af02");
  EXPECT_EQ(hex(out.substr(out.size() - 2)), "2007");
  EXPECT_THROW(w.end_message(), std::logic_error);
}

TEST(ProtobufWriterTest, ProtocDecodesWhatItWrites) {
  std::string out;
  Writer w(out);
  w.begin_message(1);
  w.fixed64_field(1, 1764240000123456789ULL);
  w.bytes_field(5, "body with \"quotes\"");
  w.begin_message(6);
  w.bytes_field(1, std::string(200, 'k'));
  w.end_message();
  w.end_message();
  w.varint_field(2, 17);

  kjt::RunOptions options;
  options.stdin_data = out;
  const auto result = kjt::run({"protoc", "--decode_raw"}, options);
  ASSERT_EQ(result.exit_code(), 0) << result.describe();
  // 1764240000123456789 in hex.
  EXPECT_NE(result.out.find("1: 0x187bd6eec9e4cd15"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("5: \"body with \\\"quotes\\\"\""), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("1: \"" + std::string(200, 'k') + "\""), std::string::npos);
  EXPECT_NE(result.out.find("2: 17"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace kj::exporters::protobuf
