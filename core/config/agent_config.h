// The agent's configuration as typed values. The YAML loader (config_loader) is the only
// place that turns text into these structs and validates them, once, at start; everything
// downstream trusts them. Defaults here are the documented defaults (docs/config.md is
// generated from the option declarations, which must agree with these initialisers).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kj::config {

using Millis = std::chrono::milliseconds;

// Where a journal source starts when it has no checkpoint.
struct StartAt {
  enum class Kind { end, beginning, time } kind = Kind::end;
  std::string time_spec;  // kind == time: a journalctl time spec, resolved at start
};

struct JournalSourceConfig {
  // Empty: the Kubernetes node units (kubelet, containerd, crio, docker, ...).
  std::vector<std::string> units;
  std::vector<std::string> matches;  // extra journal matches "FIELD=value"
  bool all = false;                  // no unit filter at all
  std::string namespace_name;        // journald namespace; empty: the default journal
  std::string directory;             // read this directory instead of the system journal
  std::string root;                  // host root mounted in a container (e.g. /host)
  StartAt start_at;
};

struct FileSourceConfig {
  std::vector<std::string> paths;  // globs
  // Only "auto" (per-record detection) for now; the key exists so configs can name it.
  std::string format = "auto";
  uint64_t max_record_bytes = uint64_t{1} << 20;
  StartAt start_at;      // end | beginning (time specs read the whole file and filter)
  std::string timezone;  // zone of klog header times; empty: TZ / the host
};

struct SourceConfig {
  std::string name;
  enum class Type { journal, file } type = Type::journal;
  JournalSourceConfig journal;
  FileSourceConfig file;
};

struct BatchConfig {
  uint64_t max_records = 5000;
  uint64_t max_bytes = uint64_t{4} << 20;  // serialized (uncompressed) size
  Millis max_wait{1000};
};

struct RetryConfig {
  Millis initial{500};
  Millis max{30000};
  // 0: retry retryable failures for as long as it takes (the sources are the buffer).
  Millis max_elapsed{0};
};

struct TlsConfig {
  std::string ca_file;    // empty: the system CA store
  std::string cert_file;  // client certificate (mutual TLS)
  std::string key_file;
  bool insecure_skip_verify = false;
  std::string server_name;  // SNI / name to verify, when it differs from the URL's host
};

struct AuthConfig {
  std::string basic_user;
  std::string basic_password_file;
  std::string bearer_token_file;
  // Elasticsearch/OpenSearch API key, sent as "Authorization: ApiKey <file content>" (the
  // base64 "encoded" value the create-API-key call returns).
  std::string api_key_file;
  // Extra headers sent with every request (e.g. X-Scope-OrgID for a Loki tenant).
  std::vector<std::pair<std::string, std::string>> headers;
};

struct HttpConfig {
  std::string url;  // scheme://host:port[/base-path]
  TlsConfig tls;
  AuthConfig auth;
  Millis timeout{30000};
  bool gzip = true;
  // Level 1-9 (libdeflate). Log batches compress about 5.4x at level 1 and 6x at level 6,
  // which takes about 1.8x the CPU time of level 1 (bench/README.md).
  uint64_t gzip_level = 1;
};

struct ClickHouseConfig {
  std::string table = "logs.node_logs";  // database.table
  bool create_table = false;             // CREATE DATABASE/TABLE IF NOT EXISTS at start
  std::string cluster;                   // value of the `cluster` column
};

struct JournalRemoteConfig {};

struct FileExporterConfig {
  std::string path;  // NDJSON file, appended
};

// The record fields `labels` may name: each has a few values per node (Loki's advice is
// "bounded, long-lived" labels, 15 at most); everything else goes to structured metadata.
inline constexpr std::string_view kLokiLabelFields[] = {"node", "component", "unit", "identifier",
                                                        "level"};

struct LokiConfig {
  std::string tenant;                                       // X-Scope-OrgID
  std::vector<std::string> labels = {"node", "component"};  // stream labels
  bool level_label = false;
  // json: JSON body, gzip by the transport; protobuf: logproto.PushRequest, snappy
  // block-compressed (what Promtail and Alloy send).
  std::string encoding = "json";
  // false: send the line alone, for a Loki that refuses structured metadata.
  bool structured_metadata = true;
};

struct ElasticsearchConfig {
  std::string index = "kjournal-%Y.%m.%d";  // or a data stream name
  bool data_stream = false;
  std::string pipeline;  // ingest pipeline run on every document; empty: the index default
};

struct OtlpConfig {
  std::string encoding = "protobuf";  // protobuf | json
};

struct ExporterConfig {
  std::string name;
  enum class Type { stdout_, file, clickhouse, journal_remote, loki, elasticsearch, otlp };
  Type type = Type::stdout_;
  HttpConfig http;  // the HTTP exporters
  BatchConfig batch;
  RetryConfig retry;
  FileExporterConfig file;
  ClickHouseConfig clickhouse;
  JournalRemoteConfig journal_remote;
  LokiConfig loki;
  ElasticsearchConfig elasticsearch;
  OtlpConfig otlp;
};

struct ServerConfig {
  std::string listen = "127.0.0.1:2021";  // empty: no HTTP server
};

struct PipelineConfig {
  // Upper bound on records held between the sources and the exporters, all sources
  // together; when reached, sources stop reading (the journal and files are the buffer).
  uint64_t max_buffered_bytes = uint64_t{8} << 20;
  Millis checkpoint_interval{1000};  // how often acknowledged positions are written
  Millis shutdown_timeout{10000};    // SIGTERM: flush in-flight batches for at most this long
};

struct AgentConfig {
  std::string node;  // default: $NODE_NAME, then the host name
  std::string state_dir = "/var/lib/kjournal";
  ServerConfig server;
  PipelineConfig pipeline;
  std::vector<SourceConfig> sources;
  std::vector<ExporterConfig> exporters;
};

}  // namespace kj::config
