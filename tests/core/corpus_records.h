// The shared corpus (FORMATS.md §8, KJ_SHARED_DATA_DIR/log-lines.jsonl) for parser tests, and
// an RFC 3339 oracle that does not share code with core/rfc3339.cpp (sscanf + timegm).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kj::testing {

// Records in file order; ordered_json keeps `expect.fields` in the order the record lists them.
inline std::vector<nlohmann::ordered_json> corpus_records() {
  std::vector<nlohmann::ordered_json> records;
  std::ifstream in(std::string(KJ_SHARED_DATA_DIR) + "/log-lines.jsonl");
  EXPECT_TRUE(in.is_open()) << KJ_SHARED_DATA_DIR << "/log-lines.jsonl";
  std::string text;
  while (std::getline(in, text)) {
    if (!text.empty()) records.push_back(nlohmann::ordered_json::parse(text));
  }
  return records;
}

// ns since the epoch of `YYYY-MM-DD[T ]hh:mm:ss[.f](Z|±hh:mm)`, computed by libc.
inline int64_t oracle_ns(std::string text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, consumed = 0;
  if (text.size() > 10) text[10] = 'T';
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &consumed) !=
      6) {
    ADD_FAILURE() << "oracle cannot read " << text;
    return 0;
  }
  size_t i = static_cast<size_t>(consumed);
  int64_t nanos = 0;
  if (i < text.size() && text[i] == '.') {
    int64_t scale = 100000000;
    for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, scale /= 10) {
      nanos += (text[i] - '0') * scale;
    }
  }
  int offset = 0;
  if (i < text.size() && text[i] != 'Z' && text.size() >= i + 6) {
    offset = ((text[i + 1] - '0') * 10 + (text[i + 2] - '0')) * 3600 +
             ((text[i + 4] - '0') * 10 + (text[i + 5] - '0')) * 60;
    if (text[i] == '-') offset = -offset;
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return (static_cast<int64_t>(timegm(&tm)) - offset) * 1'000'000'000 + nanos;
}

}  // namespace kj::testing
