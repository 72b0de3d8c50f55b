#include "core/config/config_printer.h"

#include <yaml-cpp/yaml.h>

#include "core/config/option_declarations.h"
#include "core/config/value_syntax.h"

namespace kj::config {

namespace {

bool is_empty(const OptionValue& v) {
  if (auto* s = std::get_if<std::string>(&v)) return s->empty();
  if (auto* l = std::get_if<StringList>(&v)) return l->empty();
  if (auto* m = std::get_if<StringMap>(&v)) return m->empty();
  return false;
}

YAML::Node to_yaml(OptionType type, const OptionValue& v, bool secret) {
  switch (type) {
    case OptionType::boolean:
      return YAML::Node(std::get<bool>(v));
    case OptionType::uint:
      return YAML::Node(std::get<uint64_t>(v));
    case OptionType::size:
      return YAML::Node(format_size(std::get<uint64_t>(v)));
    case OptionType::duration:
      return YAML::Node(format_duration(std::get<Millis>(v)));
    case OptionType::string_list: {
      YAML::Node n(YAML::NodeType::Sequence);
      for (const auto& s : std::get<StringList>(v)) n.push_back(s);
      return n;
    }
    case OptionType::string_map: {
      YAML::Node n(YAML::NodeType::Map);
      for (const auto& [k, val] : std::get<StringMap>(v)) n[k] = secret ? kRedacted : val;
      return n;
    }
    case OptionType::start_at: {
      const auto& at = std::get<StartAt>(v);
      if (at.kind == StartAt::Kind::end) return YAML::Node("end");
      if (at.kind == StartAt::Kind::beginning) return YAML::Node("beginning");
      return YAML::Node(at.time_spec);
    }
    case OptionType::string:
    case OptionType::url:
    case OptionType::path:
    case OptionType::enumeration:
      return YAML::Node(secret ? std::string(kRedacted) : std::get<std::string>(v));
  }
  return YAML::Node();
}

// Sets node[a][b][c] for the key "a.b.c", creating the mappings in between.
void put(YAML::Node node, const std::string& key, const YAML::Node& value) {
  size_t start = 0;
  for (size_t dot = key.find('.'); dot != std::string::npos; dot = key.find('.', start)) {
    node.reset(node[key.substr(start, dot - start)]);
    start = dot + 1;
  }
  node[key.substr(start)] = value;
}

// `reference` is a default-constructed config of the same entry type: values that are empty
// and empty by default too ("not set") are left out to keep the output readable.
template <class Config>
YAML::Node render(const Config& config, const Config& reference,
                  const std::vector<Option<Config>>& options, std::string_view type) {
  YAML::Node out(YAML::NodeType::Map);
  for (const auto& o : options) {
    if (!o.applies_to(type)) continue;
    const OptionValue v = o.get(config);
    if (is_empty(v) && is_empty(o.get(reference))) continue;
    put(out, o.key, to_yaml(o.type, v, o.secret));
  }
  return out;
}

}  // namespace

std::string print_effective_config(const AgentConfig& config) {
  YAML::Node root = render(config, AgentConfig{}, agent_options(), "");
  YAML::Node sources(YAML::NodeType::Sequence);
  const auto source_opts = source_options();
  for (const auto& s : config.sources) {
    SourceConfig reference;
    reference.type = s.type;
    sources.push_back(render(s, reference, source_opts, source_type_name(s.type)));
  }
  root["sources"] = sources;
  YAML::Node exporters(YAML::NodeType::Sequence);
  const auto exporter_opts = exporter_options();
  for (const auto& e : config.exporters) {
    ExporterConfig reference;
    reference.type = e.type;
    exporters.push_back(render(e, reference, exporter_opts, exporter_type_name(e.type)));
  }
  root["exporters"] = exporters;
  YAML::Emitter emitter;
  emitter << root;
  return std::string(emitter.c_str()) + "\n";
}

}  // namespace kj::config
