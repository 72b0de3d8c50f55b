#include "exporters/otlp/otlp_log_model.h"

#include <charconv>

namespace kj::exporters::otlp {

std::string_view service_name(const Record& r) {
  return r.component.empty() ? std::string_view(r.identifier) : std::string_view(r.component);
}

std::vector<ResourceGroup> group_by_resource(std::span<const Record> records) {
  std::vector<ResourceGroup> groups;
  for (size_t i = 0; i < records.size(); ++i) {
    const std::string_view node = records[i].node;
    const std::string_view service = service_name(records[i]);
    // A batch comes from one node and a handful of components: a linear search beats a map.
    ResourceGroup* group = nullptr;
    for (auto& g : groups) {
      if (g.node == node && g.service == service) {
        group = &g;
        break;
      }
    }
    if (!group) group = &groups.emplace_back(ResourceGroup{node, service, {}});
    group->records.push_back(i);
  }
  return groups;
}

bool RecordAttributes::has(std::string_view key) const {
  for (const auto& a : items_)
    if (a.key == key) return true;
  return false;
}

void RecordAttributes::add_text(std::string_view key, std::string_view value) {
  if (!value.empty()) items_.push_back({key, value, 0, false});
}

void RecordAttributes::add_int(std::string_view key, int64_t value) {
  items_.push_back({key, {}, value, true});
}

void RecordAttributes::build(const Record& r) {
  items_.clear();
  if (!r.position.cursor.empty()) {
    write_record_id(record_id_, r.position.cursor);
    add_text("log.record.uid", std::string_view(record_id_, kRecordIdBytes));
  }
  add_text("syslog.identifier", r.identifier);
  add_text("systemd.unit", r.unit);
  if (r.pid >= 0) add_int("process.pid", r.pid);
  if (!r.caller.empty()) {
    // klog's caller is "file.go:123"; anything else is kept whole as the path.
    const std::string_view caller = r.caller;
    const size_t colon = caller.rfind(':');
    int64_t line = 0;
    bool has_line = false;
    if (colon != std::string_view::npos && colon > 0 && colon + 1 < caller.size()) {
      const char* first = caller.data() + colon + 1;
      const char* last = caller.data() + caller.size();
      const auto [ptr, ec] = std::from_chars(first, last, line);
      has_line = ec == std::errc() && ptr == last && line >= 0;
    }
    if (has_line) {
      add_text("code.file.path", caller.substr(0, colon));
      add_int("code.line.number", line);
    } else {
      add_text("code.file.path", caller);
    }
  }
  if (!r.source.empty() && r.source != "journal") add_text("log.file.path", r.source);
  for (const auto& [key, value] : r.attributes) {
    if (key.empty() || has(key)) continue;
    // An empty klog value is still a value the line carried (key=""), unlike an unknown field.
    items_.push_back({key, value, 0, false});
  }
}

}  // namespace kj::exporters::otlp
