#include "core/config/value_syntax.h"

#include <gtest/gtest.h>

namespace {

using kj::config::check_http_url;
using kj::config::check_listen_address;
using kj::config::format_duration;
using kj::config::format_size;
using kj::config::parse_duration;
using kj::config::parse_size;
using kj::config::parse_uint;
using std::chrono::milliseconds;

template <class T>
bool rejected(const kj::config::Parsed<T>& p) {
  return std::holds_alternative<std::string>(p);
}

TEST(ValueSyntaxTest, Durations) {
  EXPECT_EQ(std::get<milliseconds>(parse_duration("500ms")), milliseconds(500));
  EXPECT_EQ(std::get<milliseconds>(parse_duration("1s")), milliseconds(1000));
  EXPECT_EQ(std::get<milliseconds>(parse_duration("5m")), milliseconds(300'000));
  EXPECT_EQ(std::get<milliseconds>(parse_duration("1m30s")), milliseconds(90'000));
  EXPECT_EQ(std::get<milliseconds>(parse_duration("2h")), milliseconds(7'200'000));
  EXPECT_EQ(std::get<milliseconds>(parse_duration("0")), milliseconds(0));
  for (const char* bad : {"", "1", "s", "1.5s", "-1s", "1 s", "1d", "1sm", "99999999999999999999s"})
    EXPECT_TRUE(rejected(parse_duration(bad))) << bad;
}

TEST(ValueSyntaxTest, DurationsFormatToWhatTheyParseFrom) {
  for (int64_t ms : {0, 1, 999, 1000, 1500, 60'000, 90'000, 3'600'000, 5'400'000}) {
    const std::string text = format_duration(milliseconds(ms));
    EXPECT_EQ(std::get<milliseconds>(parse_duration(text)), milliseconds(ms)) << text;
  }
  EXPECT_EQ(format_duration(milliseconds(30'000)), "30s");
}

TEST(ValueSyntaxTest, Sizes) {
  EXPECT_EQ(std::get<uint64_t>(parse_size("4MiB")), 4u << 20);
  EXPECT_EQ(std::get<uint64_t>(parse_size("10MB")), 10'000'000u);
  EXPECT_EQ(std::get<uint64_t>(parse_size("512 KiB")), 512u << 10);
  EXPECT_EQ(std::get<uint64_t>(parse_size("1GB")), 1'000'000'000u);
  EXPECT_EQ(std::get<uint64_t>(parse_size("65536")), 65536u);
  EXPECT_EQ(std::get<uint64_t>(parse_size("100B")), 100u);
  for (const char* bad : {"", "MiB", "4mib", "4 MiB s", "4TiB", "-1", "1.5MB", "99999999999999GiB"})
    EXPECT_TRUE(rejected(parse_size(bad))) << bad;
  for (uint64_t n : {0ull, 1ull, 1000ull, 1024ull, 1500ull, 4ull << 20, 10'000'000ull, 3ull << 30})
    EXPECT_EQ(std::get<uint64_t>(parse_size(format_size(n))), n) << format_size(n);
}

TEST(ValueSyntaxTest, UnsignedIntegers) {
  EXPECT_EQ(std::get<uint64_t>(parse_uint("18446744073709551615")), UINT64_MAX);
  EXPECT_TRUE(rejected(parse_uint("18446744073709551616")));
  EXPECT_TRUE(rejected(parse_uint("+1")));
  EXPECT_TRUE(rejected(parse_uint("")));
}

TEST(ValueSyntaxTest, HttpUrls) {
  EXPECT_EQ(check_http_url("http://ch:8123"), "");
  EXPECT_EQ(check_http_url("https://es.example/prefix"), "");
  EXPECT_EQ(check_http_url("http://[::1]:3100"), "");
  EXPECT_NE(check_http_url("ch:8123"), "");
  EXPECT_NE(check_http_url("grpc://otel:4317"), "");
  EXPECT_NE(check_http_url("http://"), "");
  EXPECT_NE(check_http_url("http://h/?a=b"), "");
  EXPECT_NE(check_http_url("http://h:99999"), "");
}

TEST(ValueSyntaxTest, ListenAddresses) {
  for (const char* ok : {"", "127.0.0.1:2021", ":2021", "[::]:2021", "node.local:80"})
    EXPECT_EQ(check_listen_address(ok), "") << ok;
  for (const char* bad : {"2021", "::1:2021", "h:0", "h:65536", "h:", "[]:1"})
    EXPECT_NE(check_listen_address(bad), "") << bad;
}

}  // namespace
