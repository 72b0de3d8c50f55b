// Running the kjournal binary under test and journalctl, the reference it must agree with.
#pragma once

#include <string>
#include <vector>

#include "tests/support/process.h"

namespace kjt {

// The kjournal binary: $KJOURNAL_BINARY when set (to test another build), else the one this
// test suite was built with.
std::string kjournal_binary();

// Runs kjournal with `args`. TZ=UTC is set unless options.env names TZ, so local-time specs
// and output are the same on every machine.
RunResult run_kjournal(const std::vector<std::string>& args, RunOptions options = {});
// Same for journalctl.
RunResult run_journalctl(const std::vector<std::string>& args, RunOptions options = {});

// journalctl's major version ("systemd 252 (...)" -> 252), 0 if unknown.
int journalctl_version();

}  // namespace kjt
