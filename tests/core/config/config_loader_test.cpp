#include "core/config/config_loader.h"

#include <gtest/gtest.h>

#include <fstream>

#include "core/config/config_printer.h"
#include "core/config/default_config.h"
#include "tests/core/config/config_test_env.h"
#include "tests/support/temp_dir.h"

namespace {

using kj::config::AgentConfig;
using kj::config::ExporterConfig;
using kj::config::load_config;
using kj::config::Millis;
using kj::config::SourceConfig;
using kj::config::StartAt;

AgentConfig load(const std::string& yaml, std::map<std::string, std::string> env = {}) {
  return load_config(yaml, kjt::config_test_options(std::move(env)));
}

TEST(ConfigLoaderTest, ReadsEveryKindOfValue) {
  const AgentConfig c = load(R"(
node: node-7
state_dir: /var/lib/kj
server: {listen: "[::1]:9000"}
pipeline:
  max_buffered_bytes: 32MiB
  checkpoint_interval: 2s
  shutdown_timeout: 1m30s
sources:
  - name: services
    type: journal
    units: [kubelet, containerd.service]
    matches: [_TRANSPORT=journal]
    namespace: k8s
    start_at: "2026-11-27 10:00:00"
  - name: logs
    type: file
    paths: [/var/log/kube-*.log]
    format: auto
    max_record_bytes: 64KiB
    timezone: Europe/Berlin
    start_at: beginning
exporters:
  - name: ch
    type: clickhouse
    url: https://ch.example:8443/base
    timeout: 10s
    gzip: false
    table: logs.node
    create_table: true
    cluster: prod
    tls: {ca_file: /etc/ca.pem, cert_file: /etc/c.pem, key_file: /etc/k.pem, server_name: ch}
    auth:
      basic: {user: kj, password_file: /etc/pw}
      headers: {X-Extra: "1"}
    batch: {max_records: 100, max_bytes: 10MB, max_wait: 250ms}
    retry: {initial: 1s, max: 1m, max_elapsed: 1h}
  - type: loki
    url: http://loki:3100
    tenant: team-a
    labels: [node]
    level_label: true
  - type: elasticsearch
    url: http://es:9200
    index: logs
    data_stream: true
  - type: otlp
    url: http://otel:4318
    encoding: json
  - type: journal_remote
    url: http://remote:19532
  - type: file
    path: /var/log/kjournal.ndjson
)");
  EXPECT_EQ(c.node, "node-7");
  EXPECT_EQ(c.state_dir, "/var/lib/kj");
  EXPECT_EQ(c.server.listen, "[::1]:9000");
  EXPECT_EQ(c.pipeline.max_buffered_bytes, 32u << 20);
  EXPECT_EQ(c.pipeline.checkpoint_interval, Millis(2000));
  EXPECT_EQ(c.pipeline.shutdown_timeout, Millis(90'000));

  ASSERT_EQ(c.sources.size(), 2u);
  const SourceConfig& j = c.sources[0];
  EXPECT_EQ(j.name, "services");
  EXPECT_EQ(j.type, SourceConfig::Type::journal);
  EXPECT_EQ(j.journal.units, (std::vector<std::string>{"kubelet", "containerd.service"}));
  EXPECT_EQ(j.journal.matches, (std::vector<std::string>{"_TRANSPORT=journal"}));
  EXPECT_EQ(j.journal.namespace_name, "k8s");
  EXPECT_EQ(j.journal.start_at.kind, StartAt::Kind::time);
  EXPECT_EQ(j.journal.start_at.time_spec, "2026-11-27 10:00:00");
  const SourceConfig& f = c.sources[1];
  EXPECT_EQ(f.type, SourceConfig::Type::file);
  EXPECT_EQ(f.file.paths, (std::vector<std::string>{"/var/log/kube-*.log"}));
  EXPECT_EQ(f.file.format, "auto");
  EXPECT_EQ(f.file.max_record_bytes, 64u << 10);
  EXPECT_EQ(f.file.timezone, "Europe/Berlin");
  EXPECT_EQ(f.file.start_at.kind, StartAt::Kind::beginning);
  EXPECT_EQ(f.journal.start_at.kind, StartAt::Kind::end) << "start_at goes to the file config";

  ASSERT_EQ(c.exporters.size(), 6u);
  const ExporterConfig& ch = c.exporters[0];
  EXPECT_EQ(ch.type, ExporterConfig::Type::clickhouse);
  EXPECT_EQ(ch.http.url, "https://ch.example:8443/base");
  EXPECT_EQ(ch.http.timeout, Millis(10'000));
  EXPECT_FALSE(ch.http.gzip);
  EXPECT_EQ(ch.clickhouse.table, "logs.node");
  EXPECT_TRUE(ch.clickhouse.create_table);
  EXPECT_EQ(ch.clickhouse.cluster, "prod");
  EXPECT_EQ(ch.http.tls.ca_file, "/etc/ca.pem");
  EXPECT_EQ(ch.http.tls.cert_file, "/etc/c.pem");
  EXPECT_EQ(ch.http.tls.key_file, "/etc/k.pem");
  EXPECT_EQ(ch.http.tls.server_name, "ch");
  EXPECT_EQ(ch.http.auth.basic_user, "kj");
  EXPECT_EQ(ch.http.auth.basic_password_file, "/etc/pw");
  ASSERT_EQ(ch.http.auth.headers.size(), 1u);
  EXPECT_EQ(ch.http.auth.headers[0], (std::pair<std::string, std::string>{"X-Extra", "1"}));
  EXPECT_EQ(ch.batch.max_records, 100u);
  EXPECT_EQ(ch.batch.max_bytes, 10'000'000u);
  EXPECT_EQ(ch.batch.max_wait, Millis(250));
  EXPECT_EQ(ch.retry.initial, Millis(1000));
  EXPECT_EQ(ch.retry.max, Millis(60'000));
  EXPECT_EQ(ch.retry.max_elapsed, Millis(3'600'000));
  EXPECT_EQ(c.exporters[1].name, "loki") << "the name defaults to the type";
  EXPECT_EQ(c.exporters[1].loki.tenant, "team-a");
  EXPECT_EQ(c.exporters[1].loki.labels, (std::vector<std::string>{"node"}));
  EXPECT_TRUE(c.exporters[1].loki.level_label);
  EXPECT_EQ(c.exporters[2].elasticsearch.index, "logs");
  EXPECT_TRUE(c.exporters[2].elasticsearch.data_stream);
  EXPECT_EQ(c.exporters[3].otlp.encoding, "json");
  EXPECT_EQ(c.exporters[4].type, ExporterConfig::Type::journal_remote);
  EXPECT_EQ(c.exporters[5].file.path, "/var/log/kjournal.ndjson");
}

TEST(ConfigLoaderTest, DefaultsMatchTheStructs) {
  const AgentConfig c = load("exporters:\n  - type: clickhouse\n    url: http://ch:8123\n");
  const ExporterConfig defaults;
  const ExporterConfig& e = c.exporters.at(0);
  EXPECT_EQ(e.name, "clickhouse");
  EXPECT_EQ(e.batch.max_records, defaults.batch.max_records);
  EXPECT_EQ(e.batch.max_bytes, uint64_t{4} << 20);
  EXPECT_EQ(e.retry.initial, Millis(500));
  EXPECT_EQ(e.clickhouse.table, "logs.node_logs");
  EXPECT_TRUE(e.http.gzip);
  EXPECT_EQ(c.state_dir, "/var/lib/kjournal");
  EXPECT_EQ(c.server.listen, "127.0.0.1:2021");
}

TEST(ConfigLoaderTest, MissingSectionsComeFromTheEmbeddedDefault) {
  const AgentConfig c = load("exporters:\n  - type: stdout\n    name: out\n");
  ASSERT_EQ(c.sources.size(), 2u);
  EXPECT_EQ(c.sources[0].type, SourceConfig::Type::journal);
  EXPECT_TRUE(c.sources[0].journal.units.empty()) << "empty: the Kubernetes node units";
  EXPECT_EQ(c.sources[1].type, SourceConfig::Type::file);
  EXPECT_EQ(c.exporters.at(0).name, "out");

  const AgentConfig only_sources = load("sources:\n  - type: journal\n    units: [kubelet]\n");
  ASSERT_EQ(only_sources.sources.size(), 1u);
  ASSERT_EQ(only_sources.exporters.size(), 1u);
  EXPECT_EQ(only_sources.exporters[0].type, ExporterConfig::Type::stdout_);
}

TEST(ConfigLoaderTest, EmbeddedDefaultIsJournalAndKlogFilesToStdout) {
  const AgentConfig c =
      kj::config::load_default_config(kjt::config_test_options({{"NODE_NAME", "n1"}}));
  EXPECT_EQ(c.node, "n1");
  ASSERT_EQ(c.sources.size(), 2u);
  EXPECT_EQ(c.sources[0].name, "journal");
  EXPECT_EQ(c.sources[0].journal.start_at.kind, StartAt::Kind::end);
  const auto& paths = c.sources[1].file.paths;
  ASSERT_EQ(paths.size(), 12u);
  EXPECT_EQ(paths.front(), "/var/log/kube-apiserver.log");
  EXPECT_EQ(paths.back(), "/var/log/pods/kube-system_*/*/*.log");
  EXPECT_NE(std::find(paths.begin(), paths.end(), "/var/log/cluster-autoscaler.log"), paths.end());
  ASSERT_EQ(c.exporters.size(), 1u);
  EXPECT_EQ(c.exporters[0].type, ExporterConfig::Type::stdout_);
  // An empty document is the same configuration.
  EXPECT_EQ(kj::config::print_effective_config(load("", {{"NODE_NAME", "n1"}})),
            kj::config::print_effective_config(c));
}

TEST(ConfigLoaderTest, NodeDefaultsToNodeNameThenHostName) {
  EXPECT_EQ(load("").node, "host-1");
  EXPECT_EQ(load("", {{"NODE_NAME", "worker-3"}}).node, "worker-3");
  EXPECT_EQ(load("", {{"NODE_NAME", ""}}).node, "host-1") << "empty NODE_NAME counts as unset";
  EXPECT_EQ(load("node: fixed\n", {{"NODE_NAME", "worker-3"}}).node, "fixed");
}

TEST(ConfigLoaderTest, EnvironmentVariablesExpandInValues) {
  const AgentConfig c =
      load(R"(
node: ${NODE_NAME}
state_dir: ${STATE:-/var/lib/kjournal-test}
sources:
  - type: journal
    units: ["${UNIT}", other]
exporters:
  - name: ${EXPORTER_NAME:-ch}
    type: clickhouse
    url: http://${CH_HOST}:8123
    batch: {max_bytes: "${BATCH:-2MiB}"}
    auth:
      headers: {X-Token-Ref: "$${literal}"}
)",
           {{"NODE_NAME", "worker-9"}, {"UNIT", "kubelet"}, {"CH_HOST", "ch.svc"}});
  EXPECT_EQ(c.node, "worker-9");
  EXPECT_EQ(c.state_dir, "/var/lib/kjournal-test");
  EXPECT_EQ(c.sources[0].journal.units, (std::vector<std::string>{"kubelet", "other"}));
  EXPECT_EQ(c.exporters[0].name, "ch");
  EXPECT_EQ(c.exporters[0].http.url, "http://ch.svc:8123");
  EXPECT_EQ(c.exporters[0].batch.max_bytes, uint64_t{2} << 20) << "expanded, then parsed";
  EXPECT_EQ(c.exporters[0].http.auth.headers.at(0).second, "${literal}");
}

TEST(ConfigLoaderTest, ExpandedValuesAreValidatedLikeLiterals) {
  EXPECT_EQ(
      kjt::config_errors("exporters:\n  - type: loki\n    url: ${LOKI}\n", {{"LOKI", "loki:3100"}}),
      "exporters[0].url: not a URL: \"loki:3100\" (needs http:// or https://) (line 3)");
}

TEST(ConfigLoaderTest, KeysAreNotExpanded) {
  EXPECT_EQ(kjt::config_errors("${KEY}: x\n", {{"KEY", "node"}}), "${KEY}: unknown key (line 1)");
}

TEST(ConfigLoaderTest, DurationsAndSizesInAllSpellings) {
  const AgentConfig c = load(R"(
exporters:
  - type: file
    path: /x.ndjson
    batch: {max_bytes: 512 KiB, max_wait: 1h2m3s4ms, max_records: "42"}
    retry: {max_elapsed: 0}
)");
  EXPECT_EQ(c.exporters[0].batch.max_bytes, 512u * 1024);
  EXPECT_EQ(c.exporters[0].batch.max_wait, Millis(3'723'004));
  EXPECT_EQ(c.exporters[0].batch.max_records, 42u);
  EXPECT_EQ(c.exporters[0].retry.max_elapsed, Millis(0));
}

TEST(ConfigLoaderTest, StartAtAcceptsJournalctlTimeSpecs) {
  for (const char* spec :
       {"-1h", "1h ago", "today", "yesterday", "@1700000000", "2h", "2026-11-27T10:00:00Z"}) {
    const AgentConfig c =
        load(std::string("sources:\n  - type: journal\n    start_at: \"") + spec + "\"\n");
    EXPECT_EQ(c.sources[0].journal.start_at.kind, StartAt::Kind::time) << spec;
    EXPECT_EQ(c.sources[0].journal.start_at.time_spec, spec);
  }
}

TEST(ConfigLoaderTest, ExampleFileLoads) {
  const AgentConfig c =
      kj::config::load_config_file(std::string(KJ_SOURCE_DIR) + "/config/agent.yaml",
                                   kjt::config_test_options({{"NODE_NAME", "cp-1"}}));
  EXPECT_EQ(c.node, "cp-1");
  ASSERT_EQ(c.sources.size(), 2u);
  EXPECT_EQ(c.sources[0].type, SourceConfig::Type::journal);
  EXPECT_EQ(c.sources[1].type, SourceConfig::Type::file);
  ASSERT_GE(c.exporters.size(), 1u);
  const auto& ch = c.exporters[0];
  EXPECT_EQ(ch.type, ExporterConfig::Type::clickhouse);
  EXPECT_TRUE(ch.clickhouse.create_table);
  EXPECT_EQ(ch.http.url, "http://clickhouse.logging.svc:8123") << "${CLICKHOUSE_URL:-...}";
}

TEST(ConfigLoaderTest, UnreadableFileIsOneIssueNamingIt) {
  kjt::TempDir dir("kjcfg");
  try {
    kj::config::load_config_file((dir / "missing.yaml").string(), kjt::config_test_options());
    FAIL();
  } catch (const kj::config::ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              "cannot read " + (dir / "missing.yaml").string() + ": No such file or directory");
  }
}

TEST(ConfigLoaderTest, EffectiveConfigLoadsBackUnchanged) {
  const std::string yaml = R"(
node: n
server: {listen: ""}
sources:
  - type: journal
    units: [kubelet]
    start_at: -2h
  - name: files
    type: file
    paths: [/var/log/*.log]
    timezone: UTC
exporters:
  - type: clickhouse
    url: http://ch:8123
    batch: {max_bytes: 1500000, max_wait: 90s}
  - type: loki
    url: https://loki
    tls: {insecure_skip_verify: true}
    labels: []
)";
  const std::string printed = kj::config::print_effective_config(load(yaml));
  EXPECT_EQ(kj::config::print_effective_config(load(printed)), printed) << printed;
  EXPECT_NE(printed.find("max_bytes: 1500KB"), std::string::npos) << printed;
  EXPECT_NE(printed.find("max_wait: 90s"), std::string::npos) << printed;
  EXPECT_NE(printed.find("start_at: -2h"), std::string::npos) << printed;
  EXPECT_NE(printed.find("table: logs.node_logs"), std::string::npos) << "defaults shown";
  EXPECT_EQ(printed.find("tenant"), std::string::npos) << "unset optional values left out";
}

TEST(ConfigLoaderTest, EffectiveConfigShowsSecretsOnlyAsFiles) {
  const std::string printed = kj::config::print_effective_config(load(R"(
exporters:
  - type: loki
    url: http://loki:3100
    auth:
      bearer_token_file: /var/run/secrets/token
      headers: {Authorization: "Bearer s3cr3t"}
)"));
  EXPECT_NE(printed.find("bearer_token_file: /var/run/secrets/token"), std::string::npos)
      << printed;
  EXPECT_EQ(printed.find("s3cr3t"), std::string::npos) << printed;
  EXPECT_NE(printed.find("Authorization: <redacted>"), std::string::npos) << printed;
}

}  // namespace
