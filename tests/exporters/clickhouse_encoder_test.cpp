#include "exporters/clickhouse/clickhouse_encoder.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/record_id.h"

namespace kj::exporters {
namespace {

constexpr const char* kCursor =
    "s=0b2a2f3c6e1d4e2a9f0c1b2d3e4f5a6b;i=1a2f3;b=6c7c1f2e3d4c5b6a79880a1b2c3d4e5f;m=9a8b7c;"
    "t=5f1e2d3c4b5a6;x=1f2e3d4c5b6a7988";

Record journal_record() {
  Record r;
  r.time_ns = 1718000000123456789;
  r.observed_time_ns = 1718000001000000000;
  r.severity = Severity::error;
  r.level_raw = "E";
  r.message = "pod sync failed";
  r.component = "kubelet";
  r.unit = "kubelet.service";
  r.node = "node-1";
  r.identifier = "kubelet";
  r.pid = 1234;
  r.caller = "pod_workers.go:1298";
  r.attributes = {{"pod", "kube-system/coredns"}, {"err", "context deadline exceeded"}};
  r.source = "journal";
  r.position.cursor = kCursor;
  r.journal_fields = {{"_BOOT_ID", "6c7c1f2e3d4c5b6a79880a1b2c3d4e5f"}, {"_TRANSPORT", "stdout"}};
  return r;
}

nlohmann::json row_of(const Record& r, std::string_view cluster = "prod") {
  std::string out;
  append_clickhouse_row(out, r, cluster);
  return nlohmann::json::parse(out);
}

TEST(ClickHouseEncoderTest, EveryColumnInSchemaOrder) {
  std::string out;
  append_clickhouse_row(out, Record{}, "");
  auto row = nlohmann::ordered_json::parse(out);
  std::vector<std::string> keys;
  for (auto it = row.begin(); it != row.end(); ++it) keys.push_back(it.key());
  std::vector<std::string> expected(std::begin(kClickHouseColumns), std::end(kClickHouseColumns));
  EXPECT_EQ(keys, expected);
}

TEST(ClickHouseEncoderTest, JournalRecordValues) {
  auto row = row_of(journal_record());
  EXPECT_EQ(row["ts"], 1718000000);
  EXPECT_EQ(row["ts_nsec"], 123456789);
  EXPECT_EQ(row["observed_ts"], 1718000001);
  EXPECT_EQ(row["cluster"], "prod");
  EXPECT_EQ(row["host"], "node-1");
  EXPECT_EQ(row["unit"], "kubelet.service");
  EXPECT_EQ(row["ident"], "kubelet");
  EXPECT_EQ(row["component"], "kubelet");
  EXPECT_EQ(row["transport"], "stdout");
  EXPECT_EQ(row["pid"], 1234);
  EXPECT_EQ(row["priority"], 3);
  EXPECT_EQ(row["severity"], "error");
  EXPECT_EQ(row["level"], "E");
  EXPECT_EQ(row["message"], "pod sync failed");
  EXPECT_EQ(row["caller"], "pod_workers.go:1298");
  EXPECT_EQ(row["boot_id"], "6c7c1f2e3d4c5b6a79880a1b2c3d4e5f");
  EXPECT_EQ(row["cursor"], kCursor);
  std::string id;
  append_record_id(id, kCursor);
  EXPECT_EQ(row["record_uid"], id);
  EXPECT_EQ(row["source"], "journal");
  EXPECT_EQ(row["attr_keys"], nlohmann::json({"pod", "err"}));
  EXPECT_EQ(row["attr_values"],
            nlohmann::json({"kube-system/coredns", "context deadline exceeded"}));
}

TEST(ClickHouseEncoderTest, UnknownsGetTheirMarkers) {
  Record r;
  r.time_ns = 1718000000000000000;
  r.source = "/var/log/kube-scheduler.log";
  r.position.cursor = "f=/var/log/kube-scheduler.log;d=2049;n=131;o=4096";
  auto row = row_of(r);
  EXPECT_EQ(row["priority"], 255);
  EXPECT_EQ(row["severity"], "unknown");
  EXPECT_EQ(row["pid"], 0);
  EXPECT_EQ(row["observed_ts"], 1718000000);  // no observed time: the event time
  EXPECT_EQ(row["boot_id"], "");              // only journal cursors carry one
  EXPECT_EQ(row["transport"], "");
  EXPECT_EQ(row["record_uid"].get<std::string>().size(), 32u);
  EXPECT_EQ(row["attr_keys"], nlohmann::json::array());
}

TEST(ClickHouseEncoderTest, TimesBeforeTheEpochAreZero) {
  Record r;
  r.time_ns = -5;
  auto row = row_of(r);
  EXPECT_EQ(row["ts"], 0);
  EXPECT_EQ(row["ts_nsec"], 0);
}

TEST(ClickHouseEncoderTest, InvalidUtf8BecomesReplacementCharacter) {
  Record r = journal_record();
  r.message = std::string("bad \xff\xfe bytes \xc3");
  r.attributes = {{"k\x80", "v\xc0"}};
  std::string out;
  append_clickhouse_row(out, r, "");
  auto row = nlohmann::json::parse(out);  // throws on invalid UTF-8
  EXPECT_EQ(row["message"], "bad \xEF\xBF\xBD\xEF\xBF\xBD bytes \xEF\xBF\xBD");
  EXPECT_EQ(row["attr_keys"][0], "k\xEF\xBF\xBD");
}

TEST(ClickHouseEncoderTest, EncodesOneRowPerLineIntoAnInsert) {
  ClickHouseEncoder encoder(ClickHouseTable::parse("logs.node_logs"), "c1");
  std::vector<Record> records{journal_record(), journal_record()};
  records[1].message = "line\nbreak";
  auto request = encoder.encode(records);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.path_and_query,
            "/?query=INSERT%20INTO%20logs.node_logs%20FORMAT%20JSONEachRow");
  EXPECT_EQ(request.content_type, "application/x-ndjson");
  ASSERT_EQ(std::count(request.body.begin(), request.body.end(), '\n'), 2);
  auto second = request.body.substr(request.body.find('\n') + 1);
  EXPECT_EQ(nlohmann::json::parse(second)["message"], "line\nbreak");
}

TEST(ClickHouseTableTest, ParsesAndRejectsNames) {
  auto t = ClickHouseTable::parse("logs.node_logs");
  EXPECT_EQ(t.database, "logs");
  EXPECT_EQ(t.table, "node_logs");
  EXPECT_EQ(ClickHouseTable::parse("node_logs").qualified(), "node_logs");
  for (const char* bad :
       {"", "logs.", ".t", "a.b.c", "logs.node-logs", "1logs.t", "t; DROP TABLE x"})
    EXPECT_THROW(ClickHouseTable::parse(bad), std::invalid_argument) << bad;
}

TEST(ClickHouseTableTest, DdlDeclaresEveryColumnTheEncoderWrites) {
  auto sql = clickhouse_create_table_sql(ClickHouseTable::parse("logs.node_logs"));
  EXPECT_EQ(sql.rfind("CREATE TABLE IF NOT EXISTS logs.node_logs", 0), 0u);
  for (auto column : kClickHouseColumns)
    EXPECT_NE(sql.find("\n    " + std::string(column) + " "), std::string::npos) << column;
  // Nothing ClickHouse 18.16 lacks.
  for (const char* modern : {"DateTime64", "LowCardinality", "Map(", "CODEC", "TTL"})
    EXPECT_EQ(sql.find(modern), std::string::npos) << modern;
  EXPECT_EQ(clickhouse_create_database_sql(ClickHouseTable::parse("logs.t")),
            "CREATE DATABASE IF NOT EXISTS logs");
  EXPECT_EQ(clickhouse_create_database_sql(ClickHouseTable::parse("t")), "");
}

TEST(BootIdTest, FromCursor) {
  EXPECT_EQ(boot_id_of_cursor(kCursor), "6c7c1f2e3d4c5b6a79880a1b2c3d4e5f");
  EXPECT_EQ(boot_id_of_cursor("s=1;i=2"), "");
  EXPECT_EQ(boot_id_of_cursor(""), "");
}

}  // namespace
}  // namespace kj::exporters
