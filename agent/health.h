// What /healthz and /readyz report. Liveness says whether the process should be restarted
// (its main loop is stuck); readiness says whether it does its job yet (sources open,
// checkpoints loaded), so a rollout can wait for it.
#pragma once

#include <string>
#include <vector>

namespace kj::agent {

struct Liveness {
  bool alive = true;
  std::string reason;  // why not, for the 503 body and the agent's log
};

struct Readiness {
  // One line per thing that is not ready yet ("source node-services: journal not open").
  std::vector<std::string> not_ready;
  bool ready() const { return not_ready.empty(); }
};

}  // namespace kj::agent
