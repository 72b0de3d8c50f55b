#include "core/config/config_validation.h"

#include <map>

#include "core/config/option_declarations.h"
#include "core/config/value_syntax.h"

namespace kj::config {

namespace {

class Checker {
 public:
  Checker(const LineOf& line_of, std::vector<ConfigIssue>& issues)
      : line_of_(line_of), issues_(issues) {}

  void fail(const std::string& path, std::string reason) {
    issues_.push_back({path, std::move(reason), line_of(path)});
  }

  template <class Entry>
  void unique_names(const std::vector<Entry>& entries, const std::string& list,
                    const std::set<std::string>& skip) {
    std::map<std::string, std::string> first;  // name -> path of the entry that has it
    for (size_t i = 0; i < entries.size(); ++i) {
      const std::string path = list + "[" + std::to_string(i) + "]";
      if (skip.count(path)) continue;
      auto [it, inserted] = first.emplace(entries[i].name, path);
      if (!inserted)
        fail(path + ".name",
             "duplicate name \"" + entries[i].name + "\" (also " + it->second + ")");
    }
  }

  int line_of(const std::string& path) const { return line_of_(path); }

 private:
  const LineOf& line_of_;
  std::vector<ConfigIssue>& issues_;
};

void validate_source(Checker& c, const SourceConfig& s, const std::string& path) {
  if (s.type != SourceConfig::Type::journal) return;
  const auto& j = s.journal;
  if (j.all && !j.units.empty()) c.fail(path + ".all", "excludes units (choose one)");
  if (!j.directory.empty() && !j.namespace_name.empty())
    c.fail(path + ".directory", "excludes namespace (choose one)");
  if (!j.directory.empty() && !j.root.empty())
    c.fail(path + ".directory", "excludes root (choose one)");
}

void validate_exporter(Checker& c, const ExporterConfig& e, const std::string& path) {
  if (e.type != ExporterConfig::Type::stdout_ && e.retry.initial > e.retry.max)
    c.fail(path + ".retry.initial", "longer than retry.max (" + format_duration(e.retry.max) + ")");
  bool http = false;
  for (const auto& t : http_exporter_type_names()) http = http || t == exporter_type_name(e.type);
  if (!http) return;
  const auto& tls = e.http.tls;
  if (!tls.cert_file.empty() && tls.key_file.empty())
    c.fail(path + ".tls.cert_file", "needs tls.key_file");
  if (tls.cert_file.empty() && !tls.key_file.empty())
    c.fail(path + ".tls.key_file", "needs tls.cert_file");
  const auto& auth = e.http.auth;
  if (!auth.basic_user.empty() && auth.basic_password_file.empty())
    c.fail(path + ".auth.basic.user", "needs auth.basic.password_file");
  if (auth.basic_user.empty() && !auth.basic_password_file.empty())
    c.fail(path + ".auth.basic.password_file", "needs auth.basic.user");
  if (!auth.bearer_token_file.empty() && !auth.basic_user.empty())
    c.fail(path + ".auth.bearer_token_file", "excludes auth.basic (choose one)");
  if (!auth.api_key_file.empty() && (!auth.basic_user.empty() || !auth.bearer_token_file.empty()))
    c.fail(path + ".auth.api_key_file",
           "excludes auth.basic and auth.bearer_token_file (choose one)");
  if (tls.insecure_skip_verify && e.http.url.starts_with("http://"))
    c.fail(path + ".tls.insecure_skip_verify", "only applies to https:// URLs");
}

}  // namespace

void validate_config(const AgentConfig& config, const LineOf& line_of,
                     const std::set<std::string>& skip, std::vector<ConfigIssue>& issues) {
  Checker c(line_of, issues);
  // A list that is not a list has been reported already.
  if (config.sources.empty() && !skip.count("sources"))
    c.fail("sources", "at least one source is required");
  if (config.exporters.empty() && !skip.count("exporters"))
    c.fail("exporters", "at least one exporter is required");
  c.unique_names(config.sources, "sources", skip);
  c.unique_names(config.exporters, "exporters", skip);
  for (size_t i = 0; i < config.sources.size(); ++i) {
    const std::string path = "sources[" + std::to_string(i) + "]";
    if (!skip.count(path)) validate_source(c, config.sources[i], path);
  }
  for (size_t i = 0; i < config.exporters.size(); ++i) {
    const std::string path = "exporters[" + std::to_string(i) + "]";
    if (!skip.count(path)) validate_exporter(c, config.exporters[i], path);
  }
}

}  // namespace kj::config
