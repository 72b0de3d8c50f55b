#include "tests/support/kjournal_cli.h"

#include <cstdlib>

namespace kjt {
namespace {

void default_env(RunOptions& options) {
  for (const auto& [k, v] : options.env) {
    if (k == "TZ") return;
  }
  options.env.emplace_back("TZ", "UTC");
}

}  // namespace

std::string kjournal_binary() {
  const char* override_path = std::getenv("KJOURNAL_BINARY");
  if (override_path != nullptr && *override_path != '\0') return override_path;
  return KJ_BINARY;
}

RunResult run_kjournal(const std::vector<std::string>& args, RunOptions options) {
  default_env(options);
  std::vector<std::string> argv = {kjournal_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, options);
}

RunResult run_journalctl(const std::vector<std::string>& args, RunOptions options) {
  default_env(options);
  std::vector<std::string> argv = {"journalctl"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, options);
}

int journalctl_version() {
  static const int version = [] {
    RunResult r = run({"journalctl", "--version"});
    // "systemd 252 (252.39-1~deb12u2)"
    if (r.exit_code() != 0 || !r.out.starts_with("systemd ")) return 0;
    return std::atoi(r.out.c_str() + 8);
  }();
  return version;
}

}  // namespace kjt
