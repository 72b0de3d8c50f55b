// One bad configuration per row, each with the exact message a user gets.
#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "tests/core/config/config_test_env.h"

namespace {

struct BadConfig {
  const char* what;
  const char* yaml;
  const char* message;
};

// A valid exporter to pair with bad sources and the other way round; errors then come only
// from the part under test.
constexpr const char* kStdout = "exporters:\n  - type: stdout\n";

const BadConfig kBadConfigs[] = {
    {"unknown top-level key", "nodee: a\n",
     R"(nodee: unknown key (did you mean "node"?) (line 1))"},
    {"unknown key without a near miss", "colour: blue\n", "colour: unknown key (line 1)"},
    {"unknown nested key", "server:\n  listen: \":1\"\n  port: 2\n",
     "server.port: unknown key (line 3)"},
    {"unknown exporter key",
     "exporters:\n  - type: clickhouse\n    url: http://ch:8123\n    tabel: a.b\n",
     R"(exporters[0].tabel: unknown key (did you mean "table"?) (line 4))"},
    {"key of another exporter type", "exporters:\n  - type: stdout\n    table: a.b\n",
     "exporters[0].table: not an option of a stdout exporter (only of clickhouse) (line 3)"},
    {"section of the HTTP exporters on stdout",
     "exporters:\n  - type: stdout\n    tls:\n      ca_file: /ca.pem\n",
     "exporters[0].tls: not an option of a stdout exporter (only of clickhouse, journal_remote, "
     "loki, elasticsearch, otlp) (line 3)"},
    {"journal key on a file source",
     "sources:\n  - type: file\n    paths: [/var/log/a.log]\n    units: [kubelet]\n",
     "sources[0].units: not an option of a file source (only of journal) (line 4)"},
    {"duplicate key", "state_dir: /a\nstate_dir: /b\n", "state_dir: duplicate key (line 2)"},
    {"string given a list", "server:\n  listen: [a, b]\n",
     "server.listen: expected a string, got a list (line 2)"},
    {"mapping given a scalar", "server: 8080\n",
     R"(server: expected a mapping, got "8080" (line 1))"},
    {"no value", "node:\n", "node: no value (remove the key to get the default) (line 1)"},
    {"bool spelled yes", "sources:\n  - type: journal\n    all: yes\n",
     R"(sources[0].all: expected true or false, got "yes" (line 3))"},
    {"uint not a number", "exporters:\n  - type: stdout\n    batch:\n      max_records: many\n",
     R"(exporters[0].batch.max_records: expected an unsigned integer, got "many" (line 4))"},
    {"uint zero", "exporters:\n  - type: stdout\n    batch: {max_records: 0}\n",
     "exporters[0].batch.max_records: must be at least 1 (line 3)"},
    {"gzip level out of range",
     "exporters:\n  - type: clickhouse\n    url: http://ch:8123\n    gzip_level: 10\n",
     "exporters[0].gzip_level: must be between 1 and 9 (line 4)"},
    {"list given a scalar", "sources:\n  - type: journal\n    units: kubelet\n",
     R"(sources[0].units: expected a list of strings, got "kubelet" (line 3))"},
    {"bad duration", "exporters:\n  - type: stdout\n    batch:\n      max_wait: 5 seconds\n",
     R"(exporters[0].batch.max_wait: "5 seconds" is not a duration (use an integer with ms, s, m or h: 500ms, 1s, 5m, 1m30s) (line 4))"},
    {"duration without unit", "pipeline:\n  shutdown_timeout: 10\n",
     R"(pipeline.shutdown_timeout: "10" is not a duration (use an integer with ms, s, m or h: 500ms, 1s, 5m, 1m30s) (line 2))"},
    {"bad size", "exporters:\n  - type: stdout\n    batch:\n      max_bytes: 4MiBs\n",
     R"(exporters[0].batch.max_bytes: "4MiBs" is not a size (use an integer with B, KB, MB, GB, KiB, MiB or GiB: 4MiB, 10MB, 65536) (line 4))"},
    {"size too large", "pipeline:\n  max_buffered_bytes: 99999999999GiB\n",
     R"(pipeline.max_buffered_bytes: "99999999999GiB" is too large (line 2))"},
    {"URL without scheme", "exporters:\n  - type: clickhouse\n    url: clickhouse:8123\n",
     R"(exporters[0].url: not a URL: "clickhouse:8123" (needs http:// or https://) (line 3))"},
    {"URL without host", "exporters:\n  - type: loki\n    url: http:///loki\n",
     R"(exporters[0].url: not a URL: "http:///loki" (no host) (line 3))"},
    {"URL with credentials", "exporters:\n  - type: elasticsearch\n    url: https://u:pw@es:9200\n",
     R"(exporters[0].url: not a URL: "https://u:pw@es:9200" (credentials in the URL; use auth.basic or auth.bearer_token_file) (line 3))"},
    {"missing URL", "exporters:\n  - name: central\n    type: clickhouse\n",
     "exporters[0].url: missing (required for a clickhouse exporter) (line 2)"},
    {"unknown exporter type", "exporters:\n  - type: kafka\n",
     R"(exporters[0].type: unknown value "kafka" (expected one of: stdout, file, clickhouse, journal_remote, loki, elasticsearch, otlp) (line 2))"},
    {"missing type", "exporters:\n  - name: x\n",
     "exporters[0].type: missing (one of: stdout, file, clickhouse, journal_remote, loki, "
     "elasticsearch, otlp) (line 2)"},
    {"entry not a mapping", "exporters:\n  - stdout\n",
     R"(exporters[0]: expected a mapping with at least a type, got "stdout" (line 2))"},
    {"exporters not a list", "exporters:\n  type: stdout\n",
     "exporters: expected a list of exporters, got a mapping (line 1)"},
    {"duplicate exporter names",
     "exporters:\n  - name: out\n    type: stdout\n  - name: out\n    type: file\n    path: "
     "/tmp/x.ndjson\n",
     R"(exporters[1].name: duplicate name "out" (also exporters[0]) (line 4))"},
    {"duplicate default names", "exporters:\n  - type: stdout\n  - type: stdout\n",
     R"(exporters[1].name: duplicate name "stdout" (also exporters[0]) (line 3))"},
    {"name with a slash", "exporters:\n  - name: a/b\n    type: stdout\n",
     R"(exporters[0].name: "a/b" may contain only letters, digits, '-', '_' and '.' (line 2))"},
    {"missing environment variable", "node: ${MY_NODE}\n",
     "node: environment variable MY_NODE is not set (use ${MY_NODE:-default} for a default) "
     "(line 1)"},
    {"bad enum", "sources:\n  - type: file\n    paths: [/a.log]\n    format: klogg\n",
     R"(sources[0].format: unknown value "klogg" (expected one of: auto) (line 4))"},
    {"bad start_at", "sources:\n  - type: journal\n    start_at: yesterdayy\n",
     R"(sources[0].start_at: "yesterdayy" is not end, beginning or a time spec (unrecognized word "yesterdayy") (line 3))"},
    {"relative state_dir", "state_dir: var/lib/kjournal\n",
     R"(state_dir: "var/lib/kjournal" is not an absolute path (line 1))"},
    {"relative file glob", "sources:\n  - type: file\n    paths: [/var/log/a.log, b.log]\n",
     R"(sources[0].paths: "b.log" is not an absolute path (line 3))"},
    {"file source without paths", "sources:\n  - name: logs\n    type: file\n",
     "sources[0].paths: missing (required for a file source) (line 2)"},
    {"bad journal match", "sources:\n  - type: journal\n    matches: [_comm=kubelet]\n",
     R"(sources[0].matches: "_comm=kubelet" is not a journal match (FIELD=value, FIELD in upper case) (line 3))"},
    {"unknown time zone",
     "sources:\n  - type: file\n    paths: [/a.log]\n    timezone: Mars/Olympus\n",
     R"(sources[0].timezone: "Mars/Olympus" is not a time zone in the zoneinfo database (line 4))"},
    {"all with units", "sources:\n  - type: journal\n    units: [kubelet]\n    all: true\n",
     "sources[0].all: excludes units (choose one) (line 4)"},
    {"bad listen address", "server:\n  listen: localhost\n",
     R"(server.listen: "localhost" is not a listen address (use host:port, [::1]:port or :port) (line 2))"},
    {"listen port out of range", "server:\n  listen: \":70000\"\n",
     R"(server.listen: ":70000": port must be 1-65535 (line 2))"},
    {"no sources", "sources: []\n", "sources: at least one source is required (line 1)"},
    {"no exporters", "exporters: []\n", "exporters: at least one exporter is required (line 1)"},
    {"client certificate without key",
     "exporters:\n  - type: loki\n    url: https://loki:3100\n    tls:\n      cert_file: /c.pem\n",
     "exporters[0].tls.cert_file: needs tls.key_file (line 5)"},
    {"basic user without password file",
     "exporters:\n  - type: clickhouse\n    url: http://ch:8123\n    auth:\n      basic: {user: "
     "u}\n",
     "exporters[0].auth.basic.user: needs auth.basic.password_file (line 5)"},
    {"bearer and basic",
     "exporters:\n  - type: otlp\n    url: http://otel:4318\n    auth:\n"
     "      basic: {user: u, password_file: /p}\n      bearer_token_file: /t\n",
     "exporters[0].auth.bearer_token_file: excludes auth.basic (choose one) (line 6)"},
    {"API key and bearer token",
     "exporters:\n  - type: elasticsearch\n    url: https://es:9200\n    auth:\n"
     "      bearer_token_file: /t\n      api_key_file: /k\n",
     "exporters[0].auth.api_key_file: excludes auth.basic and auth.bearer_token_file (choose "
     "one) (line 6)"},
    {"insecure_skip_verify on plain http",
     "exporters:\n  - type: loki\n    url: http://loki:3100\n    tls: {insecure_skip_verify: "
     "true}\n",
     "exporters[0].tls.insecure_skip_verify: only applies to https:// URLs (line 4)"},
    {"retry initial above max",
     "exporters:\n  - type: file\n    path: /x.ndjson\n    retry: {initial: 1m, max: 10s}\n",
     "exporters[0].retry.initial: longer than retry.max (10s) (line 4)"},
    {"bad ClickHouse table",
     "exporters:\n  - type: clickhouse\n    url: http://ch:8123\n    table: logs.node-logs\n",
     R"(exporters[0].table: "logs.node-logs" is not a table name (table or database.table) (line 4))"},
    {"document not a mapping", "- a\n- b\n",
     "the configuration must be a YAML mapping, not a list (line 1)"},
    {"retry on stdout", "exporters:\n  - type: stdout\n    retry: {max: 1s}\n",
     "exporters[0].retry: not an option of a stdout exporter (only of file, clickhouse, "
     "journal_remote, loki, elasticsearch, otlp) (line 3)"},
};

void PrintTo(const BadConfig& c, std::ostream* os) {
  *os << c.what;
}

class ConfigErrors : public testing::TestWithParam<BadConfig> {};

TEST_P(ConfigErrors, NamePathReasonAndLine) {
  const BadConfig& c = GetParam();
  const std::string yaml = std::string(c.yaml);
  EXPECT_EQ(kjt::config_errors(yaml), c.message) << c.what << "\n" << yaml;
}

INSTANTIATE_TEST_SUITE_P(Table, ConfigErrors, testing::ValuesIn(kBadConfigs),
                         [](const testing::TestParamInfo<BadConfig>& param_info) {
                           std::string name;
                           for (const char* p = param_info.param.what; *p; ++p)
                             name += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
                           return name;
                         });

TEST(ConfigErrorsTest, InvalidYamlNamesTheLine) {
  const std::string msg = kjt::config_errors("sources:\n  - type: journal\n    units: [a, b\n");
  EXPECT_TRUE(msg.starts_with("invalid YAML: ")) << msg;
  EXPECT_TRUE(msg.ends_with("(line 4)")) << msg;
}

TEST(ConfigErrorsTest, AllErrorsAreReportedInLineOrder) {
  const std::string yaml =
      "state_dir: relative\n"
      "exporters:\n"
      "  - type: clickhouse\n"
      "    url: ftp://ch\n"
      "    batch: {max_wait: soon}\n"
      "  - type: stdout\n"
      "    name: clickhouse\n"
      "colour: blue\n";
  EXPECT_EQ(kjt::config_errors(yaml),
            "state_dir: \"relative\" is not an absolute path (line 1)\n"
            "exporters[0].url: not a URL: \"ftp://ch\" (needs http:// or https://) (line 4)\n"
            "exporters[0].batch.max_wait: \"soon\" is not a duration (use an integer with ms, s, "
            "m or h: 500ms, 1s, 5m, 1m30s) (line 5)\n"
            "exporters[1].name: duplicate name \"clickhouse\" (also exporters[0]) (line 7)\n"
            "colour: unknown key (line 8)");
}

TEST(ConfigErrorsTest, IssuesAreAvailableOneByOne) {
  try {
    kj::config::load_config("node: a\nnode: b\nfoo: 1\n", kjt::config_test_options());
    FAIL() << "loaded";
  } catch (const kj::config::ConfigError& e) {
    ASSERT_EQ(e.issues().size(), 2u);
    EXPECT_EQ(e.issues()[0].path, "node");
    EXPECT_EQ(e.issues()[0].line, 2);
    EXPECT_EQ(e.issues()[1].path, "foo");
    EXPECT_EQ(e.issues()[1].reason, "unknown key");
  }
}

}  // namespace
