// starts_with_klog_header must give parse_klog_header's answer on every input: checked on the
// klog lines of the shared corpus, on hand-made edge cases, and on many random mutations.
#include "collectors/file/klog_header_check.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "core/klog_header.h"

namespace {

bool reference(std::string_view line) {
  return kj::parse_klog_header(line).has_value();
}

std::vector<std::string> seeds() {
  std::vector<std::string> out = {
      "I1127 10:00:00.000000       1 main.go:10] msg",
      "E1231 23:59:59.999999  123456 pkg/dir/file.go:4294967295] x",
      "W0101 00:00:00.000000 1 a:1]",
      "F20261127 10:00:00.000000 7 glog.cc:12] year",
      "ERROR: logging before flag.Parse: I0412 10:00:00.000000     1 a.go:1] x",
      "E0000 12:00:01.000000  123456 main.go:43] Failed",
      "I1127 10:00:00.000000       1 a:1:2] colon in file",
      "I1127 10:00:00.000000       1 f:00000000001] leading zeros",
      "I1127 10:00:00.000000       1 f:4294967296] too big",
      "I1127 10:00:00.000000       1 f:1]x",
      "I1127 10:00:00.000000       1 f:1]",
      "I1127 10:00:00.000000 99999999999999999999 f:1] big tid",
      "I1127 10:00:00.000000 9223372036854775807 f:1] max tid",
      "I1127 24:00:00.000000       1 f:1] hour",
      "I1127 10:00:00.000000       1 :1] colon first",
      "I1127 10:00:00.000000       1 f :1] blank",
      "I1127 10:00:00.000000       1 f:1\n] newline",
  };
  std::ifstream in(KJ_SHARED_DATA_DIR "/log-lines.jsonl");
  std::string l;
  while (std::getline(in, l)) {
    const auto j = nlohmann::json::parse(l, nullptr, false);
    if (j.is_object() && j.value("format", "") == "klog" && j.contains("line")) {
      out.push_back(j["line"].get<std::string>());
    }
  }
  return out;
}

TEST(FileKlogHeaderCheckTest, AgreesWithTheParserOnSeeds) {
  const auto s = seeds();
  ASSERT_GT(s.size(), 50u);  // the corpus was found
  for (const std::string& line : s) {
    EXPECT_EQ(kj::file::starts_with_klog_header(line), reference(line)) << line;
  }
}

TEST(FileKlogHeaderCheckTest, AgreesWithTheParserOnMutations) {
  const auto s = seeds();
  std::mt19937 rng(1234);
  const std::string alphabet = "0123456789 :]\n.IWEFx-/9";
  size_t accepted = 0;
  for (int round = 0; round < 200000; ++round) {
    std::string line = s[rng() % s.size()].substr(0, 80);
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits && !line.empty(); ++e) {
      const size_t pos = rng() % line.size();
      switch (rng() % 3) {
        case 0:
          line[pos] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          line.erase(pos, 1);
          break;
        default:
          line.insert(pos, 1, alphabet[rng() % alphabet.size()]);
      }
    }
    if (rng() % 4 == 0) line.resize(rng() % (line.size() + 1));
    const bool want = reference(line);
    accepted += want;
    ASSERT_EQ(kj::file::starts_with_klog_header(line), want) << "\"" << line << "\"";
  }
  EXPECT_GT(accepted, 1000u);  // the mutations still exercise the accepting paths
}

}  // namespace
