#include "tests/support/golden_file.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace kjt {

void expect_golden(const std::string& actual, const std::string& relative_path) {
  const std::filesystem::path path = std::filesystem::path(KJ_TEST_DATA_DIR) / relative_path;
  if (const char* update = std::getenv("KJ_UPDATE_GOLDEN"); update && std::string(update) == "1") {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << path << " is missing; run the test with KJ_UPDATE_GOLDEN=1 to write it";
  std::stringstream expected;
  expected << in.rdbuf();
  const std::string want = expected.str();
  if (actual == want) return;
  size_t at = 0;
  while (at < actual.size() && at < want.size() && actual[at] == want[at]) ++at;
  ADD_FAILURE() << path << " differs at byte " << at << " (sizes " << actual.size() << " and "
                << want.size() << "): got \"" << actual.substr(at > 40 ? at - 40 : 0, 120)
                << "\", want \"" << want.substr(at > 40 ? at - 40 : 0, 120)
                << "\"; if intended, rerun with KJ_UPDATE_GOLDEN=1 and review the diff";
}

}  // namespace kjt
