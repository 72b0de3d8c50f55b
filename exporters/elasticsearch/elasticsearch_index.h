// The `index` option of the elasticsearch exporter: an index (or data stream) name in which
// %Y, %m and %d are replaced from each record's time in UTC, so one batch can target several
// daily indices ("kjournal-%Y.%m.%d", as Logstash and Fluent Bit's Logstash_Format name
// them). The names must be ones Elasticsearch and OpenSearch accept (create index API, path
// parameters:
// https://www.elastic.co/guide/en/elasticsearch/reference/current/indices-create-index.html).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kj::exporters {

// Why Elasticsearch would refuse `name` as an index or data stream name ("contains an upper
// case letter", ...), empty when it accepts it: lowercase only; none of \ / * ? " < > | , #
// : or a space; not starting with - _ +; not "." or ".."; at most 255 bytes.
std::string index_name_problem(std::string_view name);

class IndexPattern {
 public:
  // Throws std::invalid_argument, naming the pattern, for a % other than %Y %m %d %% or a
  // name Elasticsearch refuses (checked with a sample date filled in).
  explicit IndexPattern(std::string pattern);

  const std::string& pattern() const { return pattern_; }
  // Whether the name depends on the record's time.
  bool dated() const { return dated_; }
  // The name for a record at `time_ns` (ns since the epoch, UTC). The reference stays valid
  // until the next call; consecutive records of the same day reuse the last expansion.
  const std::string& name_for(int64_t time_ns);

 private:
  std::string expand(int64_t day) const;

  std::string pattern_;
  bool dated_ = false;
  int64_t cached_day_ = INT64_MIN;
  std::string cached_;
};

}  // namespace kj::exporters
