#include "core/component.h"

namespace kj {

std::string_view component_from_unit(std::string_view unit) {
  for (std::string_view suffix : {".service", ".scope", ".socket", ".slice", ".mount"}) {
    if (unit.size() > suffix.size() && unit.ends_with(suffix)) {
      unit.remove_suffix(suffix.size());
      break;
    }
  }
  // Template instances (kubelet@foo) belong to the template's program.
  if (const auto at = unit.find('@'); at != std::string_view::npos && at > 0)
    unit = unit.substr(0, at);
  if (unit.starts_with("snap.")) unit.remove_prefix(5);
  return unit;
}

}  // namespace kj
