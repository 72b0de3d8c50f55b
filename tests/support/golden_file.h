// Golden payloads: an encoder's output compared byte for byte with a file under tests/data/.
// After an intended change, run the test with KJ_UPDATE_GOLDEN=1 to rewrite the files, and
// review their diff.
#pragma once

#include <string>

namespace kjt {

// Compares `actual` with tests/data/<relative_path> (a gtest failure showing the first
// differing bytes), or writes it there when KJ_UPDATE_GOLDEN=1.
void expect_golden(const std::string& actual, const std::string& relative_path);

}  // namespace kjt
