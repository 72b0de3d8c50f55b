#include "core/config/config_reference.h"

#include <sstream>

#include "core/config/default_config.h"
#include "core/config/option_declarations.h"
#include "core/config/value_syntax.h"

namespace kj::config {

namespace {

std::string cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|')
      out += "\\|";
    else
      out += c;
  }
  return out;
}

std::string code(std::string_view text) {
  return "`" + std::string(text) + "`";
}

std::string default_text(OptionType type, const OptionValue& v) {
  switch (type) {
    case OptionType::boolean:
      return code(std::get<bool>(v) ? "true" : "false");
    case OptionType::uint:
      return code(std::to_string(std::get<uint64_t>(v)));
    case OptionType::size:
      return code(format_size(std::get<uint64_t>(v)));
    case OptionType::duration:
      return code(format_duration(std::get<Millis>(v)));
    case OptionType::string_list: {
      const auto& l = std::get<StringList>(v);
      if (l.empty()) return "none";
      std::string out = "`[";
      for (size_t i = 0; i < l.size(); ++i) out += (i ? ", " : "") + l[i];
      return out + "]`";
    }
    case OptionType::string_map:
      return std::get<StringMap>(v).empty() ? "none" : "(set)";
    case OptionType::start_at: {
      const auto& at = std::get<StartAt>(v);
      if (at.kind == StartAt::Kind::end) return code("end");
      if (at.kind == StartAt::Kind::beginning) return code("beginning");
      return code(at.time_spec);
    }
    case OptionType::string:
    case OptionType::url:
    case OptionType::path:
    case OptionType::enumeration: {
      const auto& s = std::get<std::string>(v);
      return s.empty() ? "none" : code(s);
    }
  }
  return {};
}

std::string type_text(OptionType type, const std::vector<std::string>& allowed) {
  if (type != OptionType::enumeration) return std::string(option_type_name(type));
  std::string out = "one of ";
  for (size_t i = 0; i < allowed.size(); ++i) out += (i ? ", " : "") + code(allowed[i]);
  return out;
}

// One table of the options of `scope` ("", "sources[].", "exporters[].") that apply to
// `type` and pass `keep`.
template <class Config, class Keep>
void table(std::ostringstream& out, const std::vector<Option<Config>>& options,
           const std::string& scope, const Config& reference, Keep keep) {
  out << "| Key | Type | Default | Unit | Description |\n";
  out << "|---|---|---|---|---|\n";
  for (const auto& o : options) {
    if (!keep(o)) continue;
    std::string description = o.description;
    if (o.required) description = "**Required.** " + description;
    const std::string def = o.required               ? ""
                            : !o.default_doc.empty() ? o.default_doc
                                                     : default_text(o.type, o.get(reference));
    out << "| " << code(scope + o.key) << " | " << cell(type_text(o.type, o.allowed)) << " | "
        << cell(def) << " | " << cell(o.unit) << " | " << cell(description) << " |\n";
  }
  out << "\n";
}

}  // namespace

std::string render_config_reference() {
  std::ostringstream out;
  out << R"(# kjournal agent configuration

<!-- Generated from core/config/option_declarations.cpp by `kjournal config-reference`.
     Do not edit: a unit test fails when this file and the declarations differ. -->

`kjournal agent --config FILE` reads one YAML file; `kjournal check-config FILE` validates
it and prints the effective configuration (every option, defaults included) without
starting anything. Without `--config` the agent runs on the
[embedded default](#embedded-default-configuration).

## Rules

- Unknown keys are errors, and so is a key that does not belong to the entry's `type`
  (`table` in a `stdout` exporter). Every error names the option's path and line, e.g.
  `exporters[1].url: not a URL: "ch:8123" (needs http:// or https://) (line 14)`; all errors
  are reported at once.
- Values may use environment variables: `${NAME}`, or `${NAME:-default}` when `NAME` is unset
  or empty; `$$` is a literal `$`. An unset variable without a default is an error.
  Expansion happens in values only (not keys), before the value is parsed, so
  `max_bytes: ${BATCH_BYTES:-4MiB}` works.
- A file without `sources` takes the default sources, one without `exporters` the default
  exporter; an empty list (`sources: []`) is an error.
- `name` must be unique among sources and among exporters (it names checkpoint files and
  metrics); it defaults to the type.

## Value types

| Type | Syntax |
|---|---|
| string | any YAML scalar |
| bool | `true` or `false` |
| uint | decimal digits: `5000` |
| duration | integer with `ms`, `s`, `m` or `h`, parts may follow each other: `500ms`, `30s`, `1m30s`; `0` alone is zero |
| size | integer with `B` (or none: bytes), `KB`, `MB`, `GB` (powers of 1000), `KiB`, `MiB`, `GiB` (powers of 1024): `4MiB`, `10MB`, `65536` |
| url | `http://` or `https://`, host, optional port and base path; no user info (use `auth`), no query or fragment |
| path | absolute file system path; empty means not set |
| list of strings | YAML sequence: `[a, b]` or one `- item` per line |
| map of strings | YAML mapping of strings to strings |
| start position | `end`, `beginning`, or a journalctl time spec: `-1h`, `1h ago`, `2026-11-27 10:00:00`, `today`, `yesterday`, `@1700000000`, RFC 3339, or a bare duration like `2h` meaning that long ago |

## Top level

)";
  table(out, agent_options(), "", AgentConfig{}, [](const auto&) { return true; });

  out << "## Sources\n\n"
      << "`sources` is a list; each entry has a `type` that decides which other keys it may "
         "have.\n\n"
      << "### Keys of every source\n\n";
  const auto sources = source_options();
  table(out, sources, "sources[].", SourceConfig{}, [](const auto& o) { return o.types.empty(); });
  for (const auto& type : source_type_names()) {
    out << "### `type: " << type << "`\n\n";
    SourceConfig reference;
    reference.type = *source_type_from_name(type);
    table(out, sources, "sources[].", reference,
          [&](const auto& o) { return !o.types.empty() && o.applies_to(type); });
  }

  out << "## Exporters\n\n"
      << "`exporters` is a list; each entry has a `type` that decides which other keys it may "
         "have. Every record goes to every exporter; a source's checkpoint advances once all "
         "exporters have a final outcome for its records. The HTTP exporters ("
      <<
      [] {
        std::string s;
        for (const auto& t : http_exporter_type_names()) s += (s.empty() ? "" : ", ") + code(t);
        return s;
      }()
      << ") share the connection keys (`url`, `timeout`, `gzip`, `tls`, `auth`).\n\n"
      << "### Keys of every exporter\n\n";
  const auto exporters = exporter_options();
  table(out, exporters, "exporters[].", ExporterConfig{},
        [](const auto& o) { return o.types.empty(); });
  out << "### Keys of the HTTP exporters\n\n";
  const auto& http = http_exporter_type_names();
  table(out, exporters, "exporters[].", ExporterConfig{},
        [&](const auto& o) { return o.types == http; });
  out << "### Keys of every exporter but `stdout`\n\n";
  table(out, exporters, "exporters[].", ExporterConfig{},
        [&](const auto& o) { return !o.types.empty() && o.types != http && o.types.size() > 1; });
  for (const auto& type : exporter_type_names()) {
    ExporterConfig reference;
    reference.type = *exporter_type_from_name(type);
    bool any = false;
    for (const auto& o : exporters) any = any || (o.types.size() == 1 && o.types[0] == type);
    out << "### `type: " << type << "`\n\n";
    if (!any) {
      out << "No keys of its own.\n\n";
      continue;
    }
    table(out, exporters, "exporters[].", reference,
          [&](const auto& o) { return o.types.size() == 1 && o.types[0] == type; });
  }

  out << "## Embedded default configuration\n\n"
      << "What the agent runs when it is started without `--config`; a file without `sources` "
         "or `exporters` takes them from here. `node` is `$NODE_NAME`, else the host name.\n\n"
      << "```yaml\n"
      << default_config_yaml() << "```\n";
  return out.str();
}

}  // namespace kj::config
