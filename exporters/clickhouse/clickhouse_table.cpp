#include "exporters/clickhouse/clickhouse_table.h"

#include <stdexcept>

namespace kj::exporters {
namespace {

bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

}  // namespace

ClickHouseTable ClickHouseTable::parse(std::string_view qualified) {
  ClickHouseTable t;
  const auto dot = qualified.find('.');
  if (dot == std::string_view::npos) {
    t.table = qualified;
  } else {
    t.database = qualified.substr(0, dot);
    t.table = qualified.substr(dot + 1);
  }
  if (!is_identifier(t.table) || (dot != std::string_view::npos && !is_identifier(t.database)))
    throw std::invalid_argument("clickhouse table '" + std::string(qualified) +
                                "': expected database.table made of letters, digits and _");
  return t;
}

std::string ClickHouseTable::qualified() const {
  return database.empty() ? table : database + "." + table;
}

std::string clickhouse_create_database_sql(const ClickHouseTable& table) {
  return table.database.empty() ? std::string() : "CREATE DATABASE IF NOT EXISTS " + table.database;
}

std::string clickhouse_create_table_sql(const ClickHouseTable& table) {
  return "CREATE TABLE IF NOT EXISTS " + table.qualified() +
         R"SQL(
(
    ts          DateTime,       -- event time, UTC seconds
    ts_nsec     UInt32,         -- sub-second part of the event time, ns
    observed_ts DateTime,       -- when the source received it (journald); else the event time
    cluster     String,
    host        String,         -- node name
    unit        String,         -- systemd unit
    ident       String,         -- SYSLOG_IDENTIFIER or process name
    component   String,         -- kubelet, containerd, kube-apiserver, ...
    transport   String,         -- journald _TRANSPORT, when the journal fields were kept
    pid         UInt32,         -- 0: unknown
    priority    UInt8,          -- syslog 0..7, 255: unknown
    severity    String,         -- trace, debug, info, warning, error, fatal, panic, unknown
    level       String,         -- the level as the source wrote it
    message     String,
    caller      String,         -- file.go:123 of a klog header
    boot_id     String,         -- journald boot id
    cursor      String,         -- journal cursor, or the file position
    record_uid  String,         -- deterministic id of the record (same source position, same id)
    source      String,         -- "journal" or the file path
    attr_keys   Array(String),
    attr_values Array(String)
)
ENGINE = MergeTree()
PARTITION BY toYYYYMMDD(ts)
ORDER BY (host, component, ts, ts_nsec)
SETTINGS index_granularity = 8192)SQL";
}

}  // namespace kj::exporters
