#include "agent/record_chunk.h"

namespace kj::agent {

size_t estimate_record_bytes(const Record& r) {
  size_t n = sizeof(Record) + r.level_raw.size() + r.message.size() + r.component.size() +
             r.unit.size() + r.node.size() + r.identifier.size() + r.caller.size() +
             r.source.size() + r.position.cursor.size() + r.position.file.size();
  for (const auto& [k, v] : r.attributes) n += k.size() + v.size() + 2 * sizeof(std::string);
  for (const auto& [k, v] : r.journal_fields) n += k.size() + v.size() + 2 * sizeof(std::string);
  return n;
}

}  // namespace kj::agent
