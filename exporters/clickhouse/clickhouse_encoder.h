// Records -> one ClickHouse INSERT over HTTP: POST /?query=INSERT INTO db.table FORMAT
// JSONEachRow with one JSON object per row. Every column is always written, because
// ClickHouse before 19.12 fills an omitted JSONEachRow field with the type's zero value, not
// the column's DEFAULT; DateTime columns are integer unix seconds, the form every version
// parses.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/record.h"
#include "exporters/clickhouse/clickhouse_table.h"
#include "exporters/http/http_exporter.h"

namespace kj::exporters {

// Appends one JSONEachRow row (no trailing newline) for `r`.
void append_clickhouse_row(std::string& out, const Record& r, std::string_view cluster);

// The boot id in a journal cursor ("s=…;i=…;b=<boot id>;m=…"), empty if there is none.
std::string_view boot_id_of_cursor(std::string_view cursor);

class ClickHouseEncoder final : public HttpEncoder {
 public:
  ClickHouseEncoder(ClickHouseTable table, std::string cluster);
  EncodedRequest encode(std::span<const Record> records) override;

  // The URL path and query of an INSERT into `table`.
  static std::string insert_path(const ClickHouseTable& table);

 private:
  std::string path_;
  std::string cluster_;
  // Bytes per row of the previous batch, to size the next body once instead of growing it.
  size_t row_bytes_hint_ = 512;
};

}  // namespace kj::exporters
