#include "cli/check_config_command.h"

#include <iostream>
#include <iterator>
#include <sstream>

#include "core/config/config_loader.h"
#include "core/config/config_printer.h"

namespace kj::cli {

namespace {

constexpr const char* kUsage =
    "Usage: kjournal check-config FILE\n"
    "Validate an agent configuration file (YAML; - reads standard input) and print the\n"
    "effective configuration, defaults included. Exit status 0 when it is valid, 1 otherwise.\n"
    "Reference: docs/config.md (kjournal config-reference).\n";

}  // namespace

int check_config(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.size() == 1 && (args[0] == "-h" || args[0] == "--help")) {
    out << kUsage;
    return 0;
  }
  if (args.size() != 1) {
    err << "kjournal check-config: expected one FILE\n" << kUsage;
    return 1;
  }
  const std::string& file = args[0];
  const std::string name = file == "-" ? "<stdin>" : file;
  try {
    config::AgentConfig cfg;
    if (file == "-") {
      const std::string text((std::istreambuf_iterator<char>(std::cin)),
                             std::istreambuf_iterator<char>());
      cfg = config::load_config(text);
    } else {
      cfg = config::load_config_file(file);
    }
    out << config::print_effective_config(cfg);
    return 0;
  } catch (const config::ConfigError& e) {
    for (const auto& issue : e.issues()) err << name << ": " << issue.message() << "\n";
    err << name << ": " << e.issues().size() << (e.issues().size() == 1 ? " error" : " errors")
        << "\n";
    return 1;
  }
}

int run_check_config(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return check_config(args, std::cout, std::cerr);
}

}  // namespace kj::cli
