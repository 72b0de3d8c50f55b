#include "core/config/option_declarations.h"

#include <algorithm>
#include <iterator>
#include <string>

#include "core/component.h"
#include "core/config/value_syntax.h"
#include "core/time_spec.h"

namespace kj::config {

std::string_view option_type_name(OptionType type) {
  switch (type) {
    case OptionType::string:
      return "string";
    case OptionType::boolean:
      return "bool";
    case OptionType::uint:
      return "uint";
    case OptionType::duration:
      return "duration";
    case OptionType::size:
      return "size";
    case OptionType::url:
      return "url";
    case OptionType::path:
      return "path";
    case OptionType::enumeration:
      return "enum";
    case OptionType::string_list:
      return "list of strings";
    case OptionType::string_map:
      return "map of strings";
    case OptionType::start_at:
      return "start position";
  }
  return "?";
}

const std::vector<std::string>& source_type_names() {
  static const std::vector<std::string> kNames = {"journal", "file"};
  return kNames;
}

const std::vector<std::string>& exporter_type_names() {
  static const std::vector<std::string> kNames = {
      "stdout", "file", "clickhouse", "journal_remote", "loki", "elasticsearch", "otlp"};
  return kNames;
}

const std::vector<std::string>& http_exporter_type_names() {
  static const std::vector<std::string> kNames = {"clickhouse", "journal_remote", "loki",
                                                  "elasticsearch", "otlp"};
  return kNames;
}

std::string_view source_type_name(SourceConfig::Type type) {
  return source_type_names()[static_cast<size_t>(type)];
}

std::optional<SourceConfig::Type> source_type_from_name(std::string_view name) {
  const auto& names = source_type_names();
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<SourceConfig::Type>(i);
  return std::nullopt;
}

std::string_view exporter_type_name(ExporterConfig::Type type) {
  return exporter_type_names()[static_cast<size_t>(type)];
}

std::optional<ExporterConfig::Type> exporter_type_from_name(std::string_view name) {
  const auto& names = exporter_type_names();
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<ExporterConfig::Type>(i);
  return std::nullopt;
}

namespace {

// Chainable construction of one declaration, so each table row reads as one statement.
template <class Config>
class Decl {
 public:
  // `access` is a generic lambda returning a reference to the field, used for both reading
  // (const Config&) and writing (Config&); the field's C++ type picks the variant member.
  template <class Access>
  Decl(std::string key, OptionType type, Access access, std::string description) {
    using Field = std::remove_cvref_t<decltype(access(std::declval<Config&>()))>;
    o_.key = std::move(key);
    o_.type = type;
    o_.description = std::move(description);
    o_.set = [access](Config& c, const OptionValue& v) { access(c) = std::get<Field>(v); };
    o_.get = [access](const Config& c) {
      return OptionValue(std::in_place_type<Field>, access(c));
    };
  }
  Decl(std::string key, OptionType type, std::string description,
       std::function<void(Config&, const OptionValue&)> set,
       std::function<OptionValue(const Config&)> get) {
    o_.key = std::move(key);
    o_.type = type;
    o_.description = std::move(description);
    o_.set = std::move(set);
    o_.get = std::move(get);
  }
  Decl&& unit(std::string u) && {
    o_.unit = std::move(u);
    return std::move(*this);
  }
  Decl&& allowed(std::vector<std::string> values) && {
    o_.allowed = std::move(values);
    return std::move(*this);
  }
  Decl&& types(std::vector<std::string> names) && {
    o_.types = std::move(names);
    return std::move(*this);
  }
  Decl&& required() && {
    o_.required = true;
    return std::move(*this);
  }
  Decl&& secret() && {
    o_.secret = true;
    return std::move(*this);
  }
  Decl&& default_doc(std::string text) && {
    o_.default_doc = std::move(text);
    return std::move(*this);
  }
  Decl&& check(std::function<std::string(const OptionValue&)> fn) && {
    o_.check = std::move(fn);
    return std::move(*this);
  }
  operator Option<Config>() && { return std::move(o_); }

 private:
  Option<Config> o_;
};

std::string in_quotes(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Names end up in checkpoint file names and metric labels.
std::string check_name(const OptionValue& v) {
  const auto& s = std::get<std::string>(v);
  if (s.empty()) return "empty name";
  if (s.size() > 64) return in_quotes(s) + " is longer than 64 characters";
  if (!is_alpha(s[0]) && !is_digit(s[0]))
    return in_quotes(s) + " must start with a letter or digit";
  for (char c : s)
    if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '_' && c != '.')
      return in_quotes(s) + " may contain only letters, digits, '-', '_' and '.'";
  return {};
}

std::string check_positive_uint(const OptionValue& v) {
  return std::get<uint64_t>(v) == 0 ? "must be at least 1" : "";
}

std::string check_gzip_level(const OptionValue& v) {
  const uint64_t level = std::get<uint64_t>(v);
  return level < 1 || level > 9 ? "must be between 1 and 9" : "";
}

std::string check_positive_duration(const OptionValue& v) {
  return std::get<Millis>(v).count() == 0 ? "must be longer than 0" : "";
}

std::string check_absolute_globs(const OptionValue& v) {
  const auto& list = std::get<StringList>(v);
  if (list.empty()) return "needs at least one path";
  for (const auto& p : list)
    if (!p.starts_with('/')) return in_quotes(p) + " is not an absolute path";
  return {};
}

// Journal field names: upper case letters, digits and '_', not starting with a digit.
std::string check_matches(const OptionValue& v) {
  for (const auto& m : std::get<StringList>(v)) {
    const size_t eq = m.find('=');
    const std::string_view field = std::string_view(m).substr(0, eq);
    bool ok = eq != std::string::npos && !field.empty() && !is_digit(field[0]);
    for (char c : field) ok = ok && ((c >= 'A' && c <= 'Z') || is_digit(c) || c == '_');
    if (!ok) return in_quotes(m) + " is not a journal match (FIELD=value, FIELD in upper case)";
  }
  return {};
}

std::string check_timezone(const OptionValue& v) {
  const auto& zone = std::get<std::string>(v);
  if (zone.empty() || ZoneRules::load(zone)) return {};
  return in_quotes(zone) + " is not a time zone in the zoneinfo database";
}

bool is_identifier(std::string_view s) {
  if (s.empty() || is_digit(s[0])) return false;
  for (char c : s)
    if (!is_alpha(c) && !is_digit(c) && c != '_') return false;
  return true;
}

std::string check_table(const OptionValue& v) {
  const auto& t = std::get<std::string>(v);
  const size_t dot = t.find('.');
  const bool ok = dot == std::string::npos ? is_identifier(t)
                                           : is_identifier(std::string_view(t).substr(0, dot)) &&
                                                 is_identifier(std::string_view(t).substr(dot + 1));
  return ok ? "" : in_quotes(t) + " is not a table name (table or database.table)";
}

std::string check_labels(const OptionValue& v) {
  const auto& labels = std::get<StringList>(v);
  for (size_t i = 0; i < labels.size(); ++i) {
    const auto& l = labels[i];
    if (std::find(std::begin(kLokiLabelFields), std::end(kLokiLabelFields), l) ==
        std::end(kLokiLabelFields)) {
      std::string allowed;
      for (std::string_view f : kLokiLabelFields)
        allowed += (allowed.empty() ? "" : ", ") + std::string(f);
      return in_quotes(l) + " is not a record field that may be a Loki label (one of " + allowed +
             "; other fields go to structured metadata)";
    }
    if (std::find(labels.begin(), labels.begin() + static_cast<std::ptrdiff_t>(i), l) !=
        labels.begin() + static_cast<std::ptrdiff_t>(i))
      return in_quotes(l) + " is listed twice";
  }
  return {};
}

std::string check_listen(const OptionValue& v) {
  return check_listen_address(std::get<std::string>(v));
}

std::string check_not_empty(const OptionValue& v) {
  return std::get<std::string>(v).empty() ? "must not be empty" : "";
}

std::string kubernetes_units_doc() {
  std::string out = "the Kubernetes node units (";
  bool first = true;
  for (std::string_view c : kKubernetesComponents) {
    if (!first) out += ", ";
    out += c;
    first = false;
  }
  return out + ")";
}

}  // namespace

std::vector<AgentOption> agent_options() {
  using D = Decl<AgentConfig>;
  std::vector<AgentOption> o;
  o.push_back(D(
                  "node", OptionType::string, [](auto& c) -> auto& { return c.node; },
                  "Node name attached to every record. In a DaemonSet, pass spec.nodeName "
                  "through the downward API as NODE_NAME.")
                  .default_doc("$NODE_NAME, else the host name"));
  o.push_back(D(
      "state_dir", OptionType::path, [](auto& c) -> auto& { return c.state_dir; },
      "Directory for checkpoints (one file per source). Must be writable and "
      "survive restarts (a hostPath in Kubernetes)."));
  o.push_back(D(
                  "server.listen", OptionType::string,
                  [](auto& c) -> auto& { return c.server.listen; },
                  "Address of the HTTP server for /metrics, /healthz and /readyz: host:port, "
                  "[::1]:port or :port (all interfaces). Empty: no server.")
                  .check(check_listen));
  o.push_back(D(
                  "pipeline.max_buffered_bytes", OptionType::size,
                  [](auto& c) -> auto& { return c.pipeline.max_buffered_bytes; },
                  "Records held between sources and exporters, all sources together. When "
                  "reached, sources pause (the journal and the files are the buffer).")
                  .unit("bytes")
                  .check(check_positive_uint));
  o.push_back(D(
                  "pipeline.checkpoint_interval", OptionType::duration,
                  [](auto& c) -> auto& { return c.pipeline.checkpoint_interval; },
                  "How often acknowledged source positions are written to state_dir.")
                  .check(check_positive_duration));
  o.push_back(D(
      "pipeline.shutdown_timeout", OptionType::duration,
      [](auto& c) -> auto& { return c.pipeline.shutdown_timeout; },
      "On SIGTERM, how long in-flight batches may take to flush before the agent "
      "exits (unsent records are read again after the restart)."));
  return o;
}

std::vector<SourceOption> source_options() {
  using D = Decl<SourceConfig>;
  const std::vector<std::string> journal = {"journal"};
  const std::vector<std::string> file = {"file"};
  std::vector<SourceOption> o;
  o.push_back(D(
                  "name", OptionType::string, [](auto& s) -> auto& { return s.name; },
                  "Unique among sources; names the checkpoint file and the metrics. Letters, "
                  "digits, '-', '_', '.'.")
                  .default_doc("the type")
                  .check(check_name));
  o.push_back(
      D(
          "type", OptionType::enumeration, "What the source reads.",
          [](SourceConfig& s, const OptionValue& v) {
            s.type = *source_type_from_name(std::get<std::string>(v));
          },
          [](const SourceConfig& s) { return OptionValue(std::string(source_type_name(s.type))); })
          .allowed(source_type_names())
          .required());
  o.push_back(D(
      "start_at", OptionType::start_at,
      "Where reading starts when the source has no checkpoint yet: end, "
      "beginning, or a journalctl time spec (\"-1h\", \"2026-11-27 10:00\", "
      "\"today\", \"@1700000000\"). Ignored once a checkpoint exists.",
      [](SourceConfig& s, const OptionValue& v) {
        (s.type == SourceConfig::Type::journal ? s.journal.start_at : s.file.start_at) =
            std::get<StartAt>(v);
      },
      [](const SourceConfig& s) {
        return OptionValue(s.type == SourceConfig::Type::journal ? s.journal.start_at
                                                                 : s.file.start_at);
      }));
  o.push_back(D(
                  "units", OptionType::string_list,
                  [](auto& s) -> auto& { return s.journal.units; },
                  "systemd units to read, as `journalctl -u` takes them (\"kubelet\" means "
                  "kubelet.service; globs allowed).")
                  .types(journal)
                  .default_doc(kubernetes_units_doc()));
  o.push_back(D(
                  "matches", OptionType::string_list,
                  [](auto& s) -> auto& { return s.journal.matches; },
                  "Extra journal matches FIELD=value, ANDed with the units.")
                  .types(journal)
                  .check(check_matches));
  o.push_back(D(
                  "all", OptionType::boolean, [](auto& s) -> auto& { return s.journal.all; },
                  "Read every journal entry, not only the units'. Excludes `units`.")
                  .types(journal));
  o.push_back(D(
                  "namespace", OptionType::string,
                  [](auto& s) -> auto& { return s.journal.namespace_name; },
                  "journald namespace to read (systemd-journald@NAMESPACE). Empty: the default "
                  "journal.")
                  .types(journal));
  o.push_back(D(
                  "directory", OptionType::path,
                  [](auto& s) -> auto& { return s.journal.directory; },
                  "Read the journal files in this directory instead of the system journal. "
                  "Excludes `namespace`.")
                  .types(journal));
  o.push_back(D(
                  "root", OptionType::path, [](auto& s) -> auto& { return s.journal.root; },
                  "The host's root file system when the agent runs in a container (e.g. /host): "
                  "the journal is read from its /var/log/journal and /run/log/journal.")
                  .types(journal));
  o.push_back(D(
                  "paths", OptionType::string_list, [](auto& s) -> auto& { return s.file.paths; },
                  "Absolute file globs, re-scanned while running; rotated files are followed.")
                  .types(file)
                  .required()
                  .check(check_absolute_globs));
  o.push_back(D(
                  "format", OptionType::enumeration, [](auto& s) -> auto& { return s.file.format; },
                  "Line format. Only auto for now: the format is detected per record (CRI and "
                  "Docker JSON wrappers, klog, klog JSON, logrus; anything else is kept as raw "
                  "text), and a line that does not start a record (a stack trace) is grouped "
                  "with the record before it.")
                  .types(file)
                  .allowed({"auto"}));
  o.push_back(D(
                  "max_record_bytes", OptionType::size,
                  [](auto& s) -> auto& { return s.file.max_record_bytes; },
                  "Longer lines are split into marked parts, not dropped.")
                  .types(file)
                  .unit("bytes")
                  .check(check_positive_uint));
  o.push_back(D(
                  "timezone", OptionType::string, [](auto& s) -> auto& { return s.file.timezone; },
                  "IANA zone of klog header times (klog writes local time without a zone). "
                  "Empty: $TZ, else the host's zone.")
                  .types(file)
                  .check(check_timezone));
  return o;
}

std::vector<ExporterOption> exporter_options() {
  using D = Decl<ExporterConfig>;
  const auto& http = http_exporter_type_names();
  const std::vector<std::string> not_stdout = {"file", "clickhouse",    "journal_remote",
                                               "loki", "elasticsearch", "otlp"};
  std::vector<ExporterOption> o;
  o.push_back(D(
                  "name", OptionType::string, [](auto& e) -> auto& { return e.name; },
                  "Unique among exporters; names the metrics. Letters, digits, '-', '_', '.'.")
                  .default_doc("the type")
                  .check(check_name));
  o.push_back(D(
                  "type", OptionType::enumeration,
                  "Where records go: NDJSON on stdout or in a file, or a backend over HTTP "
                  "(ClickHouse, systemd-journal-remote, Loki, Elasticsearch/OpenSearch, "
                  "OTLP/HTTP).",
                  [](ExporterConfig& e, const OptionValue& v) {
                    e.type = *exporter_type_from_name(std::get<std::string>(v));
                  },
                  [](const ExporterConfig& e) {
                    return OptionValue(std::string(exporter_type_name(e.type)));
                  })
                  .allowed(exporter_type_names())
                  .required());
  o.push_back(D(
                  "url", OptionType::url, [](auto& e) -> auto& { return e.http.url; },
                  "Base URL: http:// or https://, host, optional port and base path.")
                  .types(http)
                  .required());
  o.push_back(D(
                  "timeout", OptionType::duration, [](auto& e) -> auto& { return e.http.timeout; },
                  "Limit for one request (connect, send, response).")
                  .types(http)
                  .check(check_positive_duration));
  o.push_back(D(
                  "gzip", OptionType::boolean, [](auto& e) -> auto& { return e.http.gzip; },
                  "Compress request bodies (Content-Encoding: gzip).")
                  .types(http));
  o.push_back(D(
                  "gzip_level", OptionType::uint,
                  [](auto& e) -> auto& { return e.http.gzip_level; },
                  "gzip level of request bodies: 1 is fastest (log batches about 5x "
                  "smaller), 9 smallest; 6 takes about 1.8x the CPU time of 1 for about 6x.")
                  .types(http)
                  .check(check_gzip_level));
  o.push_back(D(
                  "tls.ca_file", OptionType::path,
                  [](auto& e) -> auto& { return e.http.tls.ca_file; },
                  "PEM CA bundle to verify the server with. Empty: the system CA store.")
                  .types(http));
  o.push_back(D(
                  "tls.cert_file", OptionType::path,
                  [](auto& e) -> auto& { return e.http.tls.cert_file; },
                  "PEM client certificate (mutual TLS); needs tls.key_file.")
                  .types(http));
  o.push_back(D(
                  "tls.key_file", OptionType::path,
                  [](auto& e) -> auto& { return e.http.tls.key_file; },
                  "PEM private key of tls.cert_file.")
                  .types(http));
  o.push_back(D(
                  "tls.insecure_skip_verify", OptionType::boolean,
                  [](auto& e) -> auto& { return e.http.tls.insecure_skip_verify; },
                  "Do not verify the server certificate. Anyone on the path can then read and "
                  "alter the logs; the agent warns at start. Only for tests.")
                  .types(http));
  o.push_back(D(
                  "tls.server_name", OptionType::string,
                  [](auto& e) -> auto& { return e.http.tls.server_name; },
                  "Name sent as SNI and verified in the certificate, when it differs from the "
                  "URL's host.")
                  .types(http));
  o.push_back(D(
                  "auth.basic.user", OptionType::string,
                  [](auto& e) -> auto& { return e.http.auth.basic_user; },
                  "HTTP basic authentication user; needs auth.basic.password_file.")
                  .types(http));
  o.push_back(D(
                  "auth.basic.password_file", OptionType::path,
                  [](auto& e) -> auto& { return e.http.auth.basic_password_file; },
                  "File holding the basic authentication password. Re-read when the file "
                  "changes.")
                  .types(http));
  o.push_back(D(
                  "auth.bearer_token_file", OptionType::path,
                  [](auto& e) -> auto& { return e.http.auth.bearer_token_file; },
                  "File holding a bearer token (e.g. a projected service account token). "
                  "Excludes auth.basic. Re-read when the file changes.")
                  .types(http));
  o.push_back(D(
                  "auth.api_key_file", OptionType::path,
                  [](auto& e) -> auto& { return e.http.auth.api_key_file; },
                  "File holding an Elasticsearch/OpenSearch API key (the base64 `encoded` value), "
                  "sent as `Authorization: ApiKey ...`. Excludes auth.basic and "
                  "auth.bearer_token_file. Re-read when the file changes.")
                  .types(http));
  o.push_back(D(
                  "auth.headers", OptionType::string_map,
                  [](auto& e) -> auto& { return e.http.auth.headers; },
                  "Extra request headers. Values are not shown by check-config.")
                  .types(http)
                  .secret());
  o.push_back(D(
                  "batch.max_records", OptionType::uint,
                  [](auto& e) -> auto& { return e.batch.max_records; },
                  "Send a batch once it holds this many records.")
                  .unit("records")
                  .check(check_positive_uint));
  o.push_back(D(
                  "batch.max_bytes", OptionType::size,
                  [](auto& e) -> auto& { return e.batch.max_bytes; },
                  "Send a batch once its encoded (uncompressed) records reach this size.")
                  .unit("bytes")
                  .check(check_positive_uint));
  o.push_back(D(
      "batch.max_wait", OptionType::duration, [](auto& e) -> auto& { return e.batch.max_wait; },
      "Send a batch once its oldest record has waited this long."));
  o.push_back(D(
                  "retry.initial", OptionType::duration,
                  [](auto& e) -> auto& { return e.retry.initial; },
                  "First backoff after a retryable failure; doubles per attempt, with full "
                  "jitter. A server's Retry-After takes precedence.")
                  .types(not_stdout)
                  .check(check_positive_duration));
  o.push_back(D(
                  "retry.max", OptionType::duration, [](auto& e) -> auto& { return e.retry.max; },
                  "Longest backoff between two attempts.")
                  .types(not_stdout)
                  .check(check_positive_duration));
  o.push_back(D(
                  "retry.max_elapsed", OptionType::duration,
                  [](auto& e) -> auto& { return e.retry.max_elapsed; },
                  "Give up on a batch (drop and count it) after retrying this long. 0: never "
                  "give up; the sources wait and the journal and files are the buffer.")
                  .types(not_stdout));
  o.push_back(D(
                  "path", OptionType::path, [](auto& e) -> auto& { return e.file.path; },
                  "NDJSON file that records are appended to.")
                  .types({"file"})
                  .required());
  o.push_back(D(
                  "table", OptionType::string, [](auto& e) -> auto& { return e.clickhouse.table; },
                  "Target table, database.table.")
                  .types({"clickhouse"})
                  .check(check_table));
  o.push_back(D(
                  "create_table", OptionType::boolean,
                  [](auto& e) -> auto& { return e.clickhouse.create_table; },
                  "Run CREATE DATABASE/TABLE IF NOT EXISTS at start.")
                  .types({"clickhouse"}));
  o.push_back(D(
                  "cluster", OptionType::string,
                  [](auto& e) -> auto& { return e.clickhouse.cluster; },
                  "Value written to the table's cluster column (which Kubernetes cluster the "
                  "node belongs to).")
                  .types({"clickhouse"}));
  o.push_back(D(
                  "tenant", OptionType::string, [](auto& e) -> auto& { return e.loki.tenant; },
                  "Loki tenant, sent as X-Scope-OrgID. Empty: no tenant header.")
                  .types({"loki"}));
  o.push_back(
      D(
          "labels", OptionType::string_list, [](auto& e) -> auto& { return e.loki.labels; },
          "Record fields that become Loki stream labels: node, component, unit, identifier, "
          "level. The others go to structured metadata.")
          .types({"loki"})
          .check(check_labels));
  o.push_back(D(
                  "level_label", OptionType::boolean,
                  [](auto& e) -> auto& { return e.loki.level_label; },
                  "Also add the normalized severity as a `level` label.")
                  .types({"loki"}));
  o.push_back(D(
                  "structured_metadata", OptionType::boolean,
                  [](auto& e) -> auto& { return e.loki.structured_metadata; },
                  "Send the fields that are not labels (pid, caller, record id, klog "
                  "key/values, ...) as structured metadata. Turn off for a Loki that refuses "
                  "it (schema before v13, or allow_structured_metadata: false): every push "
                  "would be answered 400 and dropped.")
                  .types({"loki"}));
  o.push_back(D(
                  "encoding", OptionType::enumeration,
                  [](auto& e) -> auto& { return e.loki.encoding; },
                  "Push body: json (gzip when gzip is on) or protobuf (logproto.PushRequest, "
                  "snappy block-compressed; gzip does not apply).")
                  .types({"loki"})
                  .allowed({"json", "protobuf"}));
  o.push_back(D(
                  "index", OptionType::string,
                  [](auto& e) -> auto& { return e.elasticsearch.index; },
                  "Index name; strftime %Y %m %d are replaced from each record's time (UTC). "
                  "With data_stream: the data stream's name.")
                  .types({"elasticsearch"})
                  .check(check_not_empty));
  o.push_back(D(
                  "data_stream", OptionType::boolean,
                  [](auto& e) -> auto& { return e.elasticsearch.data_stream; },
                  "Write to a data stream (op_type create) instead of a plain index.")
                  .types({"elasticsearch"}));
  o.push_back(D(
                  "pipeline", OptionType::string,
                  [](auto& e) -> auto& { return e.elasticsearch.pipeline; },
                  "Ingest pipeline every document goes through (the _bulk `pipeline` "
                  "parameter). Empty: the index's default pipeline, if any.")
                  .types({"elasticsearch"}));
  o.push_back(D(
                  "encoding", OptionType::enumeration,
                  [](auto& e) -> auto& { return e.otlp.encoding; }, "OTLP/HTTP body encoding.")
                  .types({"otlp"})
                  .allowed({"protobuf", "json"}));
  return o;
}

}  // namespace kj::config
