#include "core/config/config_loader.h"

#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/config/config_validation.h"
#include "core/config/default_config.h"
#include "core/config/option_declarations.h"
#include "core/config/value_syntax.h"
#include "core/time_spec.h"

namespace kj::config {

std::string system_hostname() {
  char buf[HOST_NAME_MAX + 1] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return {};
  return buf;
}

namespace {

int line_of(const YAML::Node& node) {
  const YAML::Mark m = node.Mark();
  return m.is_null() ? 0 : m.line + 1;
}

std::string kind_of(const YAML::Node& node) {
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  if (node.IsNull()) return "nothing";
  return "\"" + node.Scalar() + "\"";
}

std::string in_quotes(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

// What a value of this type looks like, for "expected X, got Y".
std::string expectation(OptionType type, const std::vector<std::string>& allowed) {
  switch (type) {
    case OptionType::string:
      return "a string";
    case OptionType::boolean:
      return "true or false";
    case OptionType::uint:
      return "an unsigned integer";
    case OptionType::duration:
      return "a duration";
    case OptionType::size:
      return "a size";
    case OptionType::url:
      return "a URL";
    case OptionType::path:
      return "an absolute path";
    case OptionType::enumeration:
      return "one of " + join(allowed);
    case OptionType::string_list:
      return "a list of strings";
    case OptionType::string_map:
      return "a mapping of strings to strings";
    case OptionType::start_at:
      return "end, beginning or a time spec";
  }
  return "?";
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// One load: the issues found so far and the line of every path seen.
class Loader {
 public:
  explicit Loader(const LoadOptions& options) : options_(options) {
    now_us_ = options.now_us;
    if (now_us_ == 0)
      now_us_ = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  }

  AgentConfig load(std::string_view text) {
    YAML::Node root;
    try {
      root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
      issues_.push_back({"", "invalid YAML: " + e.msg, e.mark.is_null() ? 0 : e.mark.line + 1});
      throw ConfigError(issues_);
    }
    const YAML::Node& croot = root;
    AgentConfig config;
    std::set<std::string> seen;
    if (root.IsMap()) {
      read_mapping(root, "", "", agent_options(), "", "", config, seen, {"sources", "exporters"});
      if (const YAML::Node s = croot["sources"])
        read_entries(s, "sources", "source", source_options(), source_type_names(), config.sources);
      if (const YAML::Node e = croot["exporters"])
        read_entries(e, "exporters", "exporter", exporter_options(), exporter_type_names(),
                     config.exporters);
    } else if (!root.IsNull()) {
      issues_.push_back(
          {"", "the configuration must be a YAML mapping, not " + kind_of(root), line_of(root)});
      throw ConfigError(issues_);
    }
    if (options_.apply_defaults) apply_defaults(config, root);
    validate_config(
        config, [this](const std::string& p) { return line(p); }, broken_, issues_);
    if (!issues_.empty()) {
      std::stable_sort(issues_.begin(), issues_.end(),
                       [](const ConfigIssue& a, const ConfigIssue& b) { return a.line < b.line; });
      throw ConfigError(issues_);
    }
    return config;
  }

 private:
  void fail(std::string path, std::string reason, int line) {
    issues_.push_back({std::move(path), std::move(reason), line});
  }

  // Line of `path` or of its nearest ancestor that was in the document.
  int line(std::string path) const {
    while (!path.empty()) {
      if (auto it = lines_.find(path); it != lines_.end()) return it->second;
      const size_t cut = path.find_last_of(".[");
      if (cut == std::string::npos) break;
      path.resize(cut);
    }
    return 0;
  }

  void apply_defaults(AgentConfig& config, const YAML::Node& root) {
    const bool has_sources = root.IsMap() && root["sources"];
    const bool has_exporters = root.IsMap() && root["exporters"];
    if (!has_sources || !has_exporters) {
      LoadOptions inner = options_;
      inner.apply_defaults = false;
      const AgentConfig d = Loader(inner).load(default_config_yaml());
      if (!has_sources) config.sources = d.sources;
      if (!has_exporters) config.exporters = d.exporters;
    }
    if (config.node.empty()) {
      if (auto n = options_.env("NODE_NAME"); n && !n->empty())
        config.node = *n;
      else
        config.node = options_.hostname();
      if (config.node.empty())
        fail("node", "empty, and so are NODE_NAME and the host name", line("node"));
    }
  }

  // A scalar's text with ${...} expanded, or nullopt after recording why not.
  std::optional<std::string> scalar_text(const YAML::Node& node, const std::string& path,
                                         int line_no, const std::string& expected) {
    if (node.IsNull()) {
      fail(path, "no value (remove the key to get the default)", line_no);
      return std::nullopt;
    }
    if (!node.IsScalar()) {
      fail(path, "expected " + expected + ", got " + kind_of(node), line_no);
      return std::nullopt;
    }
    try {
      return expand_env(node.Scalar(), options_.env);
    } catch (const std::invalid_argument& e) {
      fail(path, e.what(), line_no);
      return std::nullopt;
    }
  }

  template <class Config>
  std::optional<OptionValue> read_value(const Option<Config>& opt, const YAML::Node& node,
                                        const std::string& path, int line_no) {
    const std::string expected = expectation(opt.type, opt.allowed);
    if (opt.type == OptionType::string_list) {
      if (!node.IsSequence()) {
        fail(path, "expected " + expected + ", got " + kind_of(node), line_no);
        return std::nullopt;
      }
      StringList list;
      bool ok = true;
      for (size_t i = 0; i < node.size(); ++i) {
        const YAML::Node item = node[i];
        auto text =
            scalar_text(item, path + "[" + std::to_string(i) + "]", line_of(item), "a string");
        if (text)
          list.push_back(std::move(*text));
        else
          ok = false;
      }
      if (!ok) return std::nullopt;
      return OptionValue(std::move(list));
    }
    if (opt.type == OptionType::string_map) {
      if (!node.IsMap()) {
        fail(path, "expected " + expected + ", got " + kind_of(node), line_no);
        return std::nullopt;
      }
      StringMap map;
      bool ok = true;
      for (const auto& kv : node) {
        const std::string key = kv.first.Scalar();
        auto text = scalar_text(kv.second, path + "." + key, line_of(kv.first), "a string");
        if (text)
          map.emplace_back(key, std::move(*text));
        else
          ok = false;
      }
      if (!ok) return std::nullopt;
      return OptionValue(std::move(map));
    }
    auto text_opt = scalar_text(node, path, line_no, expected);
    if (!text_opt) return std::nullopt;
    const std::string& text = *text_opt;
    auto reject = [&](std::string reason) -> std::optional<OptionValue> {
      fail(path, std::move(reason), line_no);
      return std::nullopt;
    };
    switch (opt.type) {
      case OptionType::string:
        return OptionValue(text);
      case OptionType::boolean:
        if (text == "true") return OptionValue(true);
        if (text == "false") return OptionValue(false);
        return reject("expected true or false, got " + in_quotes(text));
      case OptionType::uint: {
        auto v = parse_uint(text);
        if (auto* r = std::get_if<std::string>(&v)) return reject(*r);
        return OptionValue(std::get<uint64_t>(v));
      }
      case OptionType::size: {
        auto v = parse_size(text);
        if (auto* r = std::get_if<std::string>(&v)) return reject(*r);
        return OptionValue(std::get<uint64_t>(v));
      }
      case OptionType::duration: {
        auto v = parse_duration(text);
        if (auto* r = std::get_if<std::string>(&v)) return reject(*r);
        return OptionValue(std::get<Millis>(v));
      }
      case OptionType::url:
        if (auto r = check_http_url(text); !r.empty()) return reject(r);
        return OptionValue(text);
      case OptionType::path:
        // Empty means "not set", so ${CA_FILE:-} can switch an option off.
        if (!text.empty() && !text.starts_with('/'))
          return reject(in_quotes(text) + " is not an absolute path");
        return OptionValue(text);
      case OptionType::enumeration:
        if (std::find(opt.allowed.begin(), opt.allowed.end(), text) == opt.allowed.end())
          return reject("unknown value " + in_quotes(text) +
                        " (expected one of: " + join(opt.allowed) + ")");
        return OptionValue(text);
      case OptionType::start_at: {
        StartAt at;
        if (text == "end") {
          at.kind = StartAt::Kind::end;
        } else if (text == "beginning") {
          at.kind = StartAt::Kind::beginning;
        } else {
          try {
            parse_time_spec(text, now_us_);
          } catch (const TimeSpecError& e) {
            // The parser's message may start with the spec itself; it is quoted already.
            std::string_view why = e.what();
            if (const std::string prefix = in_quotes(text) + ": "; why.starts_with(prefix))
              why.remove_prefix(prefix.size());
            return reject(in_quotes(text) + " is not end, beginning or a time spec (" +
                          std::string(why) + ")");
          }
          at.kind = StartAt::Kind::time;
          at.time_spec = text;
        }
        return OptionValue(std::move(at));
      }
      case OptionType::string_list:
      case OptionType::string_map:
        break;  // handled above
    }
    return std::nullopt;
  }

  template <class Config>
  void apply(const Option<Config>& opt, const YAML::Node& value, const std::string& path,
             int line_no, Config& config) {
    auto v = read_value(opt, value, path, line_no);
    if (!v) return;
    if (opt.check) {
      if (std::string r = opt.check(*v); !r.empty()) {
        fail(path, std::move(r), line_no);
        return;
      }
    }
    opt.set(config, *v);
  }

  // Entry types that have an option under `rel` (a key or a key prefix).
  template <class Config>
  static std::vector<std::string> types_with(const std::vector<Option<Config>>& options,
                                             const std::string& rel) {
    std::vector<std::string> out;
    for (const auto& o : options) {
      if (o.key != rel && !o.key.starts_with(rel + ".")) continue;
      for (const auto& t : o.types)
        if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
    }
    return out;
  }

  // Keys of one mapping level: options whose key is `key_prefix` + a name + (nothing or
  // "." + more), for the entry type; reads each, recursing into nested mappings.
  template <class Config>
  void read_mapping(const YAML::Node& map, const std::string& key_prefix,
                    const std::string& path_prefix, const std::vector<Option<Config>>& options,
                    std::string_view type, const std::string& what, Config& config,
                    std::set<std::string>& seen, const std::set<std::string>& structural) {
    for (const auto& kv : map) {
      const int key_line = line_of(kv.first);
      if (!kv.first.IsScalar()) {
        fail(path_prefix.empty() ? "" : path_prefix.substr(0, path_prefix.size() - 1),
             "keys must be strings, not " + kind_of(kv.first), key_line);
        continue;
      }
      const std::string rel = key_prefix + kv.first.Scalar();
      const std::string path = path_prefix + rel;
      if (!seen.insert(rel).second) {
        fail(path, "duplicate key", key_line);
        continue;
      }
      lines_[path] = key_line;
      if (structural.count(rel)) continue;
      const Option<Config>* exact = nullptr;
      bool is_prefix = false, prefix_applies = false;
      for (const auto& o : options) {
        // Two types may declare the same key (loki's and otlp's `encoding`): take the one
        // for this type.
        if (o.key == rel && (!exact || o.applies_to(type))) exact = &o;
        if (o.key.starts_with(rel + ".")) {
          is_prefix = true;
          prefix_applies = prefix_applies || o.applies_to(type);
        }
      }
      if ((exact && !exact->applies_to(type)) || (!exact && is_prefix && !prefix_applies)) {
        fail(path, "not an option of " + what + " (only of " + join(types_with(options, rel)) + ")",
             key_line);
      } else if (exact) {
        apply(*exact, kv.second, path, key_line, config);
      } else if (is_prefix) {
        if (!kv.second.IsMap())
          fail(path, "expected a mapping, got " + kind_of(kv.second), key_line);
        else
          read_mapping(kv.second, rel + ".", path_prefix, options, type, what, config, seen,
                       structural);
      } else {
        fail(path,
             "unknown key" + suggestion(options, key_prefix, kv.first.Scalar(), type, structural),
             key_line);
      }
    }
  }

  // " (did you mean \"url\"?)" for a near miss among the names valid at this level.
  template <class Config>
  static std::string suggestion(const std::vector<Option<Config>>& options,
                                const std::string& key_prefix, const std::string& name,
                                std::string_view type, const std::set<std::string>& structural) {
    std::vector<std::string> candidates(structural.begin(), structural.end());
    for (const auto& o : options) {
      if (!o.key.starts_with(key_prefix) || !o.applies_to(type)) continue;
      const std::string rest = o.key.substr(key_prefix.size());
      candidates.push_back(rest.substr(0, rest.find('.')));
    }
    std::string best;
    size_t best_distance = 3;  // suggest only within two edits
    for (const auto& c : candidates) {
      const size_t d = edit_distance(name, c);
      if (d < best_distance) {
        best_distance = d;
        best = c;
      }
    }
    return best.empty() ? "" : " (did you mean \"" + best + "\"?)";
  }

  template <class Config>
  void read_entries(const YAML::Node& list, const std::string& list_name, const std::string& noun,
                    const std::vector<Option<Config>>& options,
                    const std::vector<std::string>& type_names, std::vector<Config>& out) {
    if (!list.IsSequence()) {
      fail(list_name, "expected a list of " + noun + "s, got " + kind_of(list), line(list_name));
      broken_.insert(list_name);
      return;
    }
    const Option<Config>* type_option = nullptr;
    for (const auto& o : options)
      if (o.key == "type") type_option = &o;
    for (size_t i = 0; i < list.size(); ++i) {
      const YAML::Node entry = list[i];
      const std::string path = list_name + "[" + std::to_string(i) + "]";
      lines_[path] = line_of(entry);
      Config config;
      out.push_back(config);
      if (!entry.IsMap()) {
        fail(path, "expected a mapping with at least a type, got " + kind_of(entry),
             line_of(entry));
        broken_.insert(path);
        continue;
      }
      // The type decides which keys are allowed, so it is read first.
      const YAML::Node type_node = entry["type"];
      if (!type_node) {
        fail(path + ".type", "missing (one of: " + join(type_names) + ")", line_of(entry));
        broken_.insert(path);
        continue;
      }
      const size_t issues_before = issues_.size();
      int type_line = line_of(entry);
      for (const auto& kv : entry)
        if (kv.first.IsScalar() && kv.first.Scalar() == "type") type_line = line_of(kv.first);
      apply(*type_option, type_node, path + ".type", type_line, config);
      if (issues_.size() != issues_before) {
        broken_.insert(path);
        continue;
      }
      const std::string type = std::get<std::string>(type_option->get(config));
      config.name = type;  // the default name
      std::set<std::string> seen;
      read_mapping(entry, "", path + ".", options, type, "a " + type + " " + noun, config, seen,
                   {"type"});
      for (const auto& o : options) {
        if (o.required && o.key != "type" && o.applies_to(type) && !seen.count(o.key))
          fail(path + "." + o.key, "missing (required for a " + type + " " + noun + ")",
               line_of(entry));
      }
      out.back() = std::move(config);
    }
  }

  const LoadOptions& options_;
  int64_t now_us_ = 0;
  std::vector<ConfigIssue> issues_;
  std::map<std::string, int> lines_;
  std::set<std::string> broken_;
};

}  // namespace

AgentConfig load_config(std::string_view yaml, const LoadOptions& options) {
  return Loader(options).load(yaml);
}

AgentConfig load_config_file(const std::string& path, const LoadOptions& options) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw ConfigError({{"", "cannot read " + path + ": is a directory", 0}});
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError({{"", "cannot read " + path + ": " + std::strerror(errno), 0}});
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ConfigError({{"", "cannot read " + path + ": read error", 0}});
  return load_config(text.str(), options);
}

AgentConfig load_default_config(const LoadOptions& options) {
  return load_config(default_config_yaml(), options);
}

}  // namespace kj::config
