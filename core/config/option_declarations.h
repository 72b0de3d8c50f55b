// The single table of the agent's configuration options. Each declaration names a key
// (relative to its scope: the top level, one `sources[]` entry or one `exporters[]` entry),
// its value type, the entry types it applies to, a unit, a description and how it reads and
// writes the typed struct. The YAML loader, the effective-config printer and the generated
// reference (docs/config.md) are all driven by these tables, so an option exists in all
// three or in none.
#pragma once

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "core/config/agent_config.h"

namespace kj::config {

enum class OptionType {
  string,
  boolean,
  uint,
  duration,     // "500ms", "1s", "5m", "1h"
  size,         // "4MiB", "10MB", bytes
  url,          // http(s)://host[:port][/path]
  path,         // absolute file system path
  enumeration,  // one of `allowed`
  string_list,  // YAML sequence of strings
  string_map,   // YAML mapping of string to string
  start_at,     // end | beginning | journalctl time spec
};

std::string_view option_type_name(OptionType type);

using StringList = std::vector<std::string>;
using StringMap = std::vector<std::pair<std::string, std::string>>;
// A parsed option value; the alternative follows the OptionType (string, url, path and
// enumeration are std::string; uint and size are uint64_t).
using OptionValue =
    std::variant<std::string, bool, uint64_t, Millis, StringList, StringMap, StartAt>;

template <class Config>
struct Option {
  std::string key;  // "batch.max_records"; dots are YAML mapping levels
  OptionType type = OptionType::string;
  std::string description;
  std::string unit;                  // "records", "bytes", ... (documentation only)
  std::vector<std::string> allowed;  // OptionType::enumeration
  std::vector<std::string> types;    // entry types it applies to; empty: all
  bool required = false;
  bool secret = false;      // never printed (header values that may carry credentials)
  std::string default_doc;  // documented default when the struct's own is not telling
  std::function<void(Config&, const OptionValue&)> set;
  std::function<OptionValue(const Config&)> get;
  // Value rules beyond the type (ranges, formats); returns the reason, empty when valid.
  std::function<std::string(const OptionValue&)> check;

  bool applies_to(std::string_view type_name) const {
    if (types.empty()) return true;
    for (const auto& t : types)
      if (t == type_name) return true;
    return false;
  }
};

using AgentOption = Option<AgentConfig>;
using SourceOption = Option<SourceConfig>;
using ExporterOption = Option<ExporterConfig>;

// The tables, in documentation and printing order. `sources` and `exporters` themselves are
// lists handled by the loader, not options; in the entry tables `name` and `type` come first.
std::vector<AgentOption> agent_options();
std::vector<SourceOption> source_options();
std::vector<ExporterOption> exporter_options();

// Entry type names as written in YAML.
std::string_view source_type_name(SourceConfig::Type type);
std::optional<SourceConfig::Type> source_type_from_name(std::string_view name);
std::string_view exporter_type_name(ExporterConfig::Type type);
std::optional<ExporterConfig::Type> exporter_type_from_name(std::string_view name);
const std::vector<std::string>& source_type_names();
const std::vector<std::string>& exporter_type_names();
// The exporters that send over HTTP (have url, tls, auth, timeout, gzip).
const std::vector<std::string>& http_exporter_type_names();

}  // namespace kj::config
