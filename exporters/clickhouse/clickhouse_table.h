// The ClickHouse table kjournal writes: its name and the DDL that creates it. The schema is
// limited to what ClickHouse 18.16 (still shipped by Debian 12) understands: DateTime
// seconds plus a nanosecond column instead of DateTime64, String instead of
// LowCardinality, parallel key/value arrays instead of Map. docs/clickhouse.md shows it.
#pragma once

#include <string>
#include <string_view>

namespace kj::exporters {

struct ClickHouseTable {
  std::string database;  // empty: the user's default database
  std::string table;

  // "database.table" or "table". Throws std::invalid_argument naming the value when a part
  // is not a plain identifier ([A-Za-z_][A-Za-z0-9_]*), so nothing needs quoting in SQL.
  static ClickHouseTable parse(std::string_view qualified);
  std::string qualified() const;
};

// Column names in the order the encoder writes them and the DDL declares them.
inline constexpr std::string_view kClickHouseColumns[] = {
    "ts",        "ts_nsec",   "observed_ts", "cluster",    "host",     "unit",      "ident",
    "component", "transport", "pid",         "priority",   "severity", "level",     "message",
    "caller",    "boot_id",   "cursor",      "record_uid", "source",   "attr_keys", "attr_values"};

std::string clickhouse_create_database_sql(const ClickHouseTable& table);
std::string clickhouse_create_table_sql(const ClickHouseTable& table);

}  // namespace kj::exporters
