#include "core/json_writer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace kj::json {
namespace {

std::string encode(std::string_view s) {
  std::string out;
  append_string(out, s);
  return out;
}

// The pointer writer used by the record serializer must produce what append_escaped does, for
// every length around the 4-, 8- and 16-byte steps of the scanner and any byte anywhere.
TEST(JsonWriter, WriteEscapedMatchesAppendEscaped) {
  const std::string specials[] = {
      "\"",       "\\",       "\n",   std::string(1, '\0'), "\x1f", "\x7f",
      "\xc3\xa9", "\xe2\x82", "\xff", "\xf0\x9f\x98\x80"};
  for (size_t len = 0; len <= 40; ++len) {
    for (size_t at = 0; at <= len; ++at) {
      for (const std::string& special : specials) {
        std::string s(len, 'a');
        for (size_t i = 0; i < len; ++i) s[i] = static_cast<char>('a' + i % 26);
        s.insert(at, special);
        std::string want;
        append_escaped(want, s);
        std::string buf(max_escaped_size(s.size()) + 1, '#');
        char* end = write_escaped(buf.data(), s);
        ASSERT_LE(static_cast<size_t>(end - buf.data()), max_escaped_size(s.size()));
        EXPECT_EQ(std::string(buf.data(), end), want) << len << " " << at;
      }
    }
  }
  // Every byte value needing an escape, repeated (the worst case of max_escaped_size).
  std::string controls(64, '\x01');
  std::string buf(max_escaped_size(controls.size()), '#');
  std::string want;
  append_escaped(want, controls);
  EXPECT_EQ(std::string(buf.data(), write_escaped(buf.data(), controls)), want);
  EXPECT_EQ(want.size(), max_escaped_size(controls.size()));
}

TEST(JsonWriter, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(encode("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(encode("l1\nl2\tx\r"), R"("l1\nl2\tx\r")");
  EXPECT_EQ(encode(std::string_view("\0\x01\x1f\b\f", 5)), R"("\u0000\u0001\u001f\b\f")");
  EXPECT_EQ(encode("\x7f"), "\"\x7f\"");  // DEL is legal in JSON strings
}

TEST(JsonWriter, KeepsValidUtf8) {
  EXPECT_EQ(encode("grüße 1µs €  😀"), "\"grüße 1µs €  😀\"");
}

// Expected values follow Unicode's "maximal subpart" practice: one U+FFFD per maximal
// prefix of a valid sequence, one per other invalid byte.
TEST(JsonWriter, ReplacesInvalidUtf8PerMaximalSubpart) {
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(encode("a\xff"
                   "b"),
            "\"a" + r + "b\"");
  EXPECT_EQ(encode("\xc3"), "\"" + r + "\"");      // truncated 2-byte
  EXPECT_EQ(encode("\xe2\x82"), "\"" + r + "\"");  // truncated 3-byte: one
  EXPECT_EQ(encode("\xe2\x82x"), "\"" + r + "x\"");
  EXPECT_EQ(encode("\xc0\xaf"), "\"" + r + r + "\"");                  // overlong: two
  EXPECT_EQ(encode("\xed\xa0\x80"), "\"" + r + r + r + "\"");          // surrogate: three
  EXPECT_EQ(encode("\xf4\x90\x80\x80"), "\"" + r + r + r + r + "\"");  // > U+10FFFF
  EXPECT_EQ(encode("\xf0\x9f\x98"), "\"" + r + "\"");                  // truncated 4-byte: one
}

TEST(JsonWriter, OutputAlwaysParses) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  const std::string j = encode(all + all);
  const auto parsed = nlohmann::json::parse(j);
  ASSERT_TRUE(parsed.is_string());
  // 128 ASCII bytes survive, each of the 128 high bytes is invalid on its own here or part of
  // a truncated sequence; either way the result is valid UTF-8 and non-empty.
  EXPECT_TRUE(is_valid_utf8(parsed.get<std::string>()));
  EXPECT_EQ(parsed.get<std::string>().substr(0, 128), all.substr(0, 128));
}

TEST(JsonWriter, ValidUtf8CheckAndInts) {
  EXPECT_TRUE(is_valid_utf8("plain"));
  EXPECT_TRUE(is_valid_utf8("µ"));
  EXPECT_FALSE(is_valid_utf8("\xb5"));
  std::string s;
  append_int(s, -42);
  append_int(s, INT64_MAX);
  EXPECT_EQ(s, "-429223372036854775807");
}

TEST(JsonWriter, LargeValue) {
  std::string big(1 << 20, 'x');
  big[1000] = '"';
  const std::string j = encode(big);
  EXPECT_EQ(j.size(), big.size() + 3);
  EXPECT_EQ(nlohmann::json::parse(j).get<std::string>(), big);
}

}  // namespace
}  // namespace kj::json
