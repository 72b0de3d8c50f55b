// `kjournal check-config FILE`: load and validate an agent configuration without starting
// anything; print the effective configuration (exit 0) or every error with file, option
// path and line (exit 1).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace kj::cli {

// `args` are the words after "check-config".
int check_config(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// argv[0] is "check-config".
int run_check_config(int argc, char** argv);

}  // namespace kj::cli
