#include "exporters/loki/loki_streams.h"

#include <algorithm>
#include <stdexcept>

#include "core/config/agent_config.h"
#include "core/json_writer.h"
#include "core/severity.h"

namespace kj::exporters {
namespace {

bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9');
}

// The field and its name as a static string (the grouper keeps views of it).
std::pair<std::string_view, LokiLabelField> field_from_name(std::string_view name) {
  static constexpr std::pair<std::string_view, LokiLabelField> kFields[] = {
      {"node", LokiLabelField::node},
      {"component", LokiLabelField::component},
      {"unit", LokiLabelField::unit},
      {"identifier", LokiLabelField::identifier},
      {"level", LokiLabelField::level}};
  for (const auto& field : kFields)
    if (field.first == name) return field;
  std::string allowed;
  for (std::string_view f : config::kLokiLabelFields)
    allowed += (allowed.empty() ? "" : ", ") + std::string(f);
  throw std::invalid_argument("\"" + std::string(name) +
                              "\" is not a record field that may be a Loki label (one of " +
                              allowed + ")");
}

// A label value inside the double quotes of the Prometheus text form. Loki reads it with Go's
// strconv.Unquote, which refuses a raw newline; other control bytes are escaped too.
void append_quoted_label_value(std::string& out, std::string_view v) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : v) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (u < 0x20 || u == 0x7f) {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  out += '"';
}

}  // namespace

bool is_valid_loki_label_name(std::string_view name) {
  if (name.empty() || !is_name_start(name[0])) return false;
  return std::all_of(name.begin(), name.end(), is_name_char);
}

std::string loki_label_name(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 1);
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) out += '_';
  for (char c : name) out += is_name_char(c) ? c : '_';
  if (out.size() > kLokiMaxLabelNameBytes) out.resize(kLokiMaxLabelNameBytes);
  return out;
}

bool append_loki_value(std::string& out, std::string_view value, size_t max_bytes) {
  if (value.size() <= max_bytes && json::is_valid_utf8(value)) {
    out.append(value);
    return false;
  }
  // Replacement only makes text longer, so the first max_bytes input bytes are enough.
  const bool input_cut = value.size() > max_bytes;
  const size_t start = out.size();
  json::append_valid_utf8(out, value.substr(0, max_bytes));
  if (out.size() - start <= max_bytes) return input_cut;
  size_t end = start + max_bytes;
  while (end > start && (static_cast<unsigned char>(out[end]) & 0xC0) == 0x80) --end;
  out.resize(end);
  return true;
}

std::string_view loki_label_value(const Record& r, LokiLabelField field) {
  switch (field) {
    case LokiLabelField::node:
      return r.node;
    case LokiLabelField::component:
      return r.component;
    case LokiLabelField::unit:
      return r.unit;
    case LokiLabelField::identifier:
      return r.identifier;
    case LokiLabelField::level:
      return severity_loki(r.severity);
  }
  return {};
}

LokiStreamGrouper::LokiStreamGrouper(const std::vector<std::string>& labels, bool level_label) {
  for (const auto& name : labels) {
    const auto field = field_from_name(name);
    if (!is_label(field.second)) fields_.push_back(field);
  }
  if (level_label && !is_label(LokiLabelField::level)) fields_.push_back(field_from_name("level"));
  std::sort(fields_.begin(), fields_.end());
}

bool LokiStreamGrouper::is_label(LokiLabelField field) const {
  return std::any_of(fields_.begin(), fields_.end(),
                     [field](const auto& f) { return f.second == field; });
}

const std::vector<LokiStream>& LokiStreamGrouper::group(std::span<const Record> records) {
  streams_.clear();
  index_.clear();
  std::string value;
  for (const Record& r : records) {
    selector_.assign("{");
    for (const auto& [name, field] : fields_) {
      const std::string_view v = loki_label_value(r, field);
      if (v.empty()) continue;
      if (selector_.size() > 1) selector_ += ", ";
      selector_ += name;
      selector_ += '=';
      value.clear();
      append_loki_value(value, v, kLokiMaxLabelValueBytes);
      append_quoted_label_value(selector_, value);
    }
    const bool no_labels = selector_.size() == 1;
    if (no_labels) selector_ += "job=\"kjournal\"";
    selector_ += '}';
    auto [it, inserted] = index_.try_emplace(selector_, streams_.size());
    if (inserted) {
      LokiStream& s = streams_.emplace_back();
      s.selector = selector_;
      if (no_labels) {
        s.labels.emplace_back("job", "kjournal");
      } else {
        for (const auto& [name, field] : fields_) {
          const std::string_view v = loki_label_value(r, field);
          if (v.empty()) continue;
          std::string& out = s.labels.emplace_back(name, std::string()).second;
          append_loki_value(out, v, kLokiMaxLabelValueBytes);
        }
      }
    }
    streams_[it->second].entries.push_back(&r);
  }
  for (auto& s : streams_)
    std::stable_sort(s.entries.begin(), s.entries.end(),
                     [](const Record* a, const Record* b) { return a->time_ns < b->time_ns; });
  return streams_;
}

}  // namespace kj::exporters
