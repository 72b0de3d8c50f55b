// docs/config.md, generated from the option declarations: `kjournal config-reference`
// prints it and a unit test fails when the checked-in file differs.
#pragma once

#include <string>

namespace kj::config {

std::string render_config_reference();

}  // namespace kj::config
