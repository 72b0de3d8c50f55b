#include "core/json_scanner.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace kj {
namespace {

// Copies into a heap buffer of exactly the text's size, so a read past the end is an ASan
// report.
class Exact {
 public:
  explicit Exact(std::string_view text) : buf_(new char[text.empty() ? 1 : text.size()]) {
    std::copy(text.begin(), text.end(), buf_.get());
    view_ = std::string_view(buf_.get(), text.size());
  }
  std::string_view view() const { return view_; }

 private:
  std::unique_ptr<char[]> buf_;
  std::string_view view_;
};

// The decoded string at the start of `text`, nullopt when the scanner rejects it.
std::optional<std::string> decode(std::string_view text) {
  const Exact in(text);
  JsonScanner sc(in.view());
  std::string out;
  if (!sc.read_string(out)) return std::nullopt;
  EXPECT_TRUE(sc.at_end()) << text;
  return out;
}

struct Skipped {
  bool ok = false;
  JsonValueSpan span;
  std::string as_written, minimal;
  size_t end = 0;
};

Skipped skip(std::string_view text, JsonNestingLimit limit = {}) {
  const Exact in(text);
  JsonScanner sc(in.view(), limit);
  Skipped r;
  r.ok = sc.skip_value(r.span);
  r.end = sc.pos();
  if (r.ok) {
    sc.append_compact(r.span, JsonStringText::as_written, r.as_written);
    sc.append_compact(r.span, JsonStringText::minimal_escapes, r.minimal);
  }
  return r;
}

TEST(JsonScanner, DecodesStrings) {
  EXPECT_EQ(decode("\"plain text, longer than one sixteen-byte block\""),
            "plain text, longer than one sixteen-byte block");
  EXPECT_EQ(decode("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""), "\"\\/\b\f\n\r\t");
  EXPECT_EQ(decode("\"\\u0041\\u00e9\\u65E5\\ud83d\\ude00\\u0000\""),
            std::string("A\u00e9\u65e5\U0001F600") + '\0');
  EXPECT_EQ(decode("\"\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80\x7f\""), "\u00e9\u65e5\U0001F600\x7f");
  // Lone surrogates: U+FFFD each, and the escape after an unpaired high one is its own.
  EXPECT_EQ(decode("\"\\ud800\""), "\uFFFD");
  EXPECT_EQ(decode("\"\\udc00\\ud800x\""), "\uFFFD\uFFFDx");
  EXPECT_EQ(decode("\"\\ud800\\u0041\""), "\uFFFDA");
  EXPECT_EQ(decode("\"\\ud800\\n\""), "\uFFFD\n");

  for (std::string_view bad : std::initializer_list<std::string_view>{
           "\"",
           "\"abc",
           "\"abc\\",
           "\"\\x41\"",
           "\"\\u12\"",
           "\"\\u12g4\"",
           "\"\\ud800\\u12\"",
           "\"a\tb\"",
           std::string_view("\"a\0b\"", 5),
           "\"\xff\"",
           "\"\xc3\"",
           "\"\xc0\xaf\"",
           "\"\xed\xa0\x80\"",
           "\"\xf4\x90\x80\x80\"",
           "\"\x80\"",
       }) {
    EXPECT_FALSE(decode(bad)) << bad;
  }
}

TEST(JsonScanner, StringViewPointsIntoTheInputUnlessDecoded) {
  const std::string text = "\"key\":\"k\\u00e9y\"";
  JsonScanner sc(text);
  std::string scratch;
  std::string_view v;
  ASSERT_TRUE(sc.read_string_view(v, scratch));
  EXPECT_EQ(v, "key");
  EXPECT_EQ(v.data(), text.data() + 1);
  ASSERT_TRUE(sc.take(':'));
  ASSERT_TRUE(sc.read_string_view(v, scratch));
  EXPECT_EQ(v, "k\u00e9y");
  EXPECT_EQ(v.data(), scratch.data());
  EXPECT_TRUE(sc.at_end());
}

TEST(JsonScanner, SkipsAndValidatesValues) {
  for (std::string_view good : {"0", "-0", "12", "-1.50", "1e5", "1E+400", "2.5e-3", "true",
                                "false", "null", "\"s\"", "[]", "{}", "[1,[2,{\"a\":[]}]]"}) {
    const Skipped r = skip(good);
    EXPECT_TRUE(r.ok) << good;
    EXPECT_EQ(r.end, good.size()) << good;
    EXPECT_EQ(r.as_written, good);
    EXPECT_EQ(r.span.kind, good[0]);
    EXPECT_FALSE(r.span.has_ws);
  }
  // A value ends where its grammar ends; what follows is the caller's to check.
  EXPECT_EQ(skip("01").end, 1u);
  EXPECT_EQ(skip("truex").end, 4u);
  for (std::string_view bad :
       {"",      "-",         "+1",    ".5",   "1.",   "1e",      "1e+",      "tru",
        "nul",   "[",         "[1",    "[1,]", "[,1]", "{\"a\"}", "{\"a\":}", "{\"a\":1,}",
        "{a:1}", "{\"a\" 1}", "[1 2]", "]",    "x",    "'s'"}) {
    EXPECT_FALSE(skip(bad).ok) << bad;
  }
}

TEST(JsonScanner, CompactText) {
  const Skipped r = skip(
      "{ \"a b\" :\t[ 1 ,\r\n\"x \\\" y\" , {} ] , \"s\":\"\\u003c\\/\\u00e9\\ud83d\\ude00"
      "\\u0001\\n\\\\\\ud800\" }");
  ASSERT_TRUE(r.ok);
  EXPECT_TRUE(r.span.has_ws);
  EXPECT_TRUE(r.span.has_escape);
  // Whitespace inside strings stays; escapes as written.
  EXPECT_EQ(r.as_written,
            "{\"a b\":[1,\"x \\\" y\",{}],\"s\":\"\\u003c\\/\\u00e9\\ud83d\\ude00\\u0001\\n\\\\"
            "\\ud800\"}");
  // Decoded and re-escaped: only `"`, `\` and controls (\u00xx when they have no short form).
  EXPECT_EQ(r.minimal,
            "{\"a b\":[1,\"x \\\" y\",{}],\"s\":\"</\u00e9\U0001F600\\u0001\\n\\\\\uFFFD\"}");
  const Skipped plain = skip("[\"no escapes\",2]");
  EXPECT_FALSE(plain.span.has_escape);
  EXPECT_EQ(plain.minimal, "[\"no escapes\",2]");
}

TEST(JsonScanner, NestingLimit) {
  auto arrays = [](int n, std::string_view inner) {
    return std::string(static_cast<size_t>(n), '[') + std::string(inner) +
           std::string(static_cast<size_t>(n), ']');
  };
  // containers_only: containers at depth 0..depth-1, scalars one level deeper.
  const JsonNestingLimit containers{.depth = 4, .containers_only = true};
  EXPECT_TRUE(skip(arrays(4, "1"), containers).ok);
  EXPECT_FALSE(skip(arrays(5, ""), containers).ok);
  EXPECT_FALSE(skip(arrays(4, "{}"), containers).ok);
  // Every value: nothing at depth 4, an empty container at depth 3 included.
  const JsonNestingLimit values{.depth = 4, .containers_only = false};
  EXPECT_TRUE(skip(arrays(3, "1"), values).ok);
  EXPECT_TRUE(skip(arrays(4, ""), values).ok);
  EXPECT_FALSE(skip(arrays(4, "1"), values).ok);
  EXPECT_FALSE(skip(arrays(3, "{\"a\":1}"), values).ok);
  // Hostile depth is refused without recursing into it.
  EXPECT_FALSE(skip(arrays(1'000'000, "")).ok);
}

}  // namespace
}  // namespace kj
