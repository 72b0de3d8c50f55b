// `kjournal agent`: runs the node collector until SIGTERM/SIGINT; SIGHUP reloads the config.
#pragma once

namespace kj::agent {

// argv[0] is "agent"'s caller; the arguments after "agent". Returns the process exit code:
// 0 after a clean stop, 1 for a bad command line or config, 2 for a fatal runtime error.
int run_agent_command(int argc, char** argv);

}  // namespace kj::agent
