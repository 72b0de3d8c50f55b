// The reader against protobuf::Writer (round trips, including nested messages whose length
// needs more than one byte) and against hand-made bytes from the encoding guide
// (https://protobuf.dev/programming-guides/encoding/) for what a writer never produces:
// truncations, field number 0 and groups.
#include "exporters/protobuf/protobuf_reader.h"

#include <gtest/gtest.h>

#include <bit>
#include <string>

#include "exporters/protobuf/protobuf_writer.h"

namespace kj::exporters::protobuf {
namespace {

// Reads one key and expects `field` with `wire_type`.
void expect_tag(Reader& in, uint32_t field, uint32_t wire_type) {
  uint32_t f = 0;
  uint32_t w = 0;
  ASSERT_TRUE(in.tag(f, w));
  EXPECT_EQ(f, field);
  EXPECT_EQ(w, wire_type);
}

TEST(ProtobufReaderTest, ReadsTheEncodingGuidesExamples) {
  Reader in(std::string_view("\x08\x96\x01", 3));  // field 1, varint 150
  expect_tag(in, 1, 0);
  uint64_t v = 0;
  ASSERT_TRUE(in.varint(v));
  EXPECT_EQ(v, 150u);
  EXPECT_TRUE(in.done());
  EXPECT_EQ(in.position(), 3u);
}

TEST(ProtobufReaderTest, RoundTripsWhatTheWriterWrites) {
  std::string out;
  Writer w(out);
  w.varint_field(1, 0);
  w.varint_field(16, ~uint64_t{0});  // two-byte tag, ten-byte varint
  w.fixed64_field(3, 0x0102030405060708ULL);
  w.double_field(4, 2.5);
  w.bytes_field(5, "testing");
  w.bytes_field(6, "");
  w.varint_field(536870911, 7);  // the largest field number: a five-byte tag

  Reader in(out);
  uint64_t v = 0;
  std::string_view s;
  expect_tag(in, 1, 0);
  ASSERT_TRUE(in.varint(v));
  EXPECT_EQ(v, 0u);
  expect_tag(in, 16, 0);
  ASSERT_TRUE(in.varint(v));
  EXPECT_EQ(v, ~uint64_t{0});
  expect_tag(in, 3, 1);
  ASSERT_TRUE(in.fixed64(v));
  EXPECT_EQ(v, 0x0102030405060708ULL);
  expect_tag(in, 4, 1);
  ASSERT_TRUE(in.fixed64(v));
  EXPECT_EQ(std::bit_cast<double>(v), 2.5);
  expect_tag(in, 5, 2);
  ASSERT_TRUE(in.bytes(s));
  EXPECT_EQ(s, "testing");
  expect_tag(in, 6, 2);
  ASSERT_TRUE(in.bytes(s));
  EXPECT_EQ(s, "");
  expect_tag(in, 536870911, 0);
  ASSERT_TRUE(in.varint(v));
  EXPECT_EQ(v, 7u);
  EXPECT_TRUE(in.done());
  EXPECT_EQ(in.position(), out.size());
}

TEST(ProtobufReaderTest, NestedMessagesWithMultiByteLengths) {
  std::string out;
  Writer w(out);
  w.begin_message(1);
  w.begin_message(2);
  w.bytes_field(3, std::string(300, 'a'));
  w.end_message();
  w.varint_field(4, 7);
  w.end_message();
  w.varint_field(5, 9);

  Reader outer(out);
  std::string_view body;
  expect_tag(outer, 1, 2);
  ASSERT_TRUE(outer.bytes(body));
  EXPECT_EQ(body.size(), 308u);  // a two-byte length

  Reader middle(body);
  std::string_view inner_body;
  expect_tag(middle, 2, 2);
  ASSERT_TRUE(middle.bytes(inner_body));
  uint64_t v = 0;
  expect_tag(middle, 4, 0);
  ASSERT_TRUE(middle.varint(v));
  EXPECT_EQ(v, 7u);
  EXPECT_TRUE(middle.done());

  Reader inner(inner_body);
  std::string_view text;
  expect_tag(inner, 3, 2);
  ASSERT_TRUE(inner.bytes(text));
  EXPECT_EQ(text, std::string(300, 'a'));
  EXPECT_TRUE(inner.done());

  expect_tag(outer, 5, 0);
  ASSERT_TRUE(outer.varint(v));
  EXPECT_EQ(v, 9u);
  EXPECT_TRUE(outer.done());
}

TEST(ProtobufReaderTest, Fixed32IsLittleEndian) {
  Reader in(std::string_view("\x2d\x04\x03\x02\x01", 5));  // field 5, wire type 5
  expect_tag(in, 5, 5);
  uint32_t v = 0;
  ASSERT_TRUE(in.fixed32(v));
  EXPECT_EQ(v, 0x01020304u);
  EXPECT_TRUE(in.done());
}

TEST(ProtobufReaderTest, TruncatedValuesFail) {
  uint64_t v = 0;
  uint32_t v32 = 0;
  std::string_view s;
  {
    Reader in(std::string_view("\x96", 1));  // continuation bit, then nothing
    EXPECT_FALSE(in.varint(v));
  }
  {
    const std::string eleven(11, '\xff');  // more than ten bytes of varint
    Reader in(eleven);
    EXPECT_FALSE(in.varint(v));
  }
  {
    Reader in(std::string_view("\x07test", 5));  // length 7, four bytes follow
    EXPECT_FALSE(in.bytes(s));
  }
  {
    Reader in(std::string_view("\x80", 1));  // the length itself cut short
    EXPECT_FALSE(in.bytes(s));
  }
  {
    Reader in(std::string_view("\x01\x02\x03\x04\x05\x06\x07", 7));
    EXPECT_FALSE(in.fixed64(v));
  }
  {
    Reader in(std::string_view("\x01\x02\x03", 3));
    EXPECT_FALSE(in.fixed32(v32));
  }
  {
    Reader in(std::string_view("\x88", 1));  // a key cut short
    uint32_t field = 0;
    uint32_t wire_type = 0;
    EXPECT_FALSE(in.tag(field, wire_type));
  }
}

TEST(ProtobufReaderTest, FieldNumberZeroAndTooLargeFail) {
  uint32_t field = 0;
  uint32_t wire_type = 0;
  {
    Reader in(std::string_view("\x00\x01", 2));  // field 0, varint 1
    EXPECT_FALSE(in.tag(field, wire_type));
  }
  {
    Reader in(std::string_view("\x02\x00", 2));  // field 0, wire type 2
    EXPECT_FALSE(in.tag(field, wire_type));
  }
  {
    std::string out;
    Writer(out).varint_field(1, uint64_t{536870912} << 3);  // 2^29 as a key
    Reader in(std::string_view(out).substr(1));
    EXPECT_FALSE(in.tag(field, wire_type));
  }
}

TEST(ProtobufReaderTest, SkipsEachWireType) {
  std::string out;
  Writer w(out);
  w.varint_field(1, 300);
  w.fixed64_field(2, 1);
  w.bytes_field(3, std::string(200, 'x'));
  out += std::string_view("\x25\x01\x02\x03\x04", 5);  // field 4, fixed32
  w.varint_field(5, 42);

  Reader in(out);
  for (uint32_t expected : {1u, 2u, 3u, 4u}) {
    uint32_t field = 0;
    uint32_t wire_type = 0;
    ASSERT_TRUE(in.tag(field, wire_type));
    EXPECT_EQ(field, expected);
    ASSERT_TRUE(in.skip(wire_type)) << "wire type " << wire_type;
  }
  expect_tag(in, 5, 0);
  uint64_t v = 0;
  ASSERT_TRUE(in.varint(v));
  EXPECT_EQ(v, 42u);
  EXPECT_TRUE(in.done());
}

TEST(ProtobufReaderTest, SkipFailsWhenTheValueIsCutShort) {
  EXPECT_FALSE(Reader(std::string_view("\x80", 1)).skip(0));
  EXPECT_FALSE(Reader(std::string_view("\x01\x02", 2)).skip(1));
  EXPECT_FALSE(Reader(std::string_view("\x05\x01", 2)).skip(2));
  EXPECT_FALSE(Reader(std::string_view("\x01\x02", 2)).skip(5));
}

TEST(ProtobufReaderTest, GroupsAndUnknownWireTypesAreRefused) {
  // Start and end group (3, 4) carry no length, so they cannot be skipped without parsing;
  // 6 and 7 are not wire types at all.
  for (uint32_t wire_type : {3u, 4u, 6u, 7u}) {
    Reader in(std::string_view("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
    EXPECT_FALSE(in.skip(wire_type)) << "wire type " << wire_type;
  }
  Reader in(std::string_view("\x0b\x0c", 2));  // field 1 start group, field 1 end group
  expect_tag(in, 1, 3);
  EXPECT_FALSE(in.skip(3));
}

}  // namespace
}  // namespace kj::exporters::protobuf
