#include "exporters/send_result.h"

namespace kj::exporters {

const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::success:
      return "success";
    case Outcome::retry:
      return "retry";
    case Outcome::split:
      return "split";
    case Outcome::drop:
      return "drop";
    case Outcome::park:
      return "park";
  }
  return "unknown";
}

}  // namespace kj::exporters
