#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstring>

#include "agent/agent_command.h"
#include "cli/check_config_command.h"
#include "cli/query_command.h"
#include "cli/query_options.h"
#include "core/config/config_reference.h"

namespace {

int64_t now_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

int print_version() {
  printf("kjournal %s\nlibsystemd %s\n", KJ_VERSION, KJ_LIBSYSTEMD_VERSION);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // A closed pipe shows up as EPIPE on write, which the output sink turns into a quiet exit.
  signal(SIGPIPE, SIG_IGN);
  if (argc > 1 && strcmp(argv[1], "version") == 0) return print_version();
  if (argc > 1 && strcmp(argv[1], "check-config") == 0)
    return kj::cli::run_check_config(argc - 1, argv + 1);
  if (argc > 1 && strcmp(argv[1], "config-reference") == 0) {
    fputs(kj::config::render_config_reference().c_str(), stdout);
    return 0;
  }
  if (argc > 1 && strcmp(argv[1], "agent") == 0)
    return kj::agent::run_agent_command(argc - 1, argv + 1);
  try {
    std::string help;
    const auto opts = kj::cli::parse_query_options(argc, argv, now_us(), &help);
    if (!opts) {
      fputs(help.c_str(), stdout);
      return 0;
    }
    if (opts->show_version) return print_version();
    return kj::cli::run_query(*opts);
  } catch (const kj::cli::UsageError& e) {
    fprintf(stderr, "kjournal: %s\nTry 'kjournal --help' for more information.\n", e.what());
    return 1;
  }
}
