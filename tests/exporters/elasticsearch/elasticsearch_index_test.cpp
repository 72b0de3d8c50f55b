// The index option: %Y %m %d from the record's UTC date, and the names Elasticsearch refuses
// (create index API path parameter rules) refused at start.
#include "exporters/elasticsearch/elasticsearch_index.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace kj::exporters {
namespace {

constexpr int64_t kNs = 1'000'000'000;

TEST(ElasticsearchIndexTest, DatedPatternUsesTheRecordsUtcDate) {
  IndexPattern p("kjournal-%Y.%m.%d");
  EXPECT_TRUE(p.dated());
  EXPECT_EQ(p.name_for(1'764'240'000 * kNs), "kjournal-2025.11.27");
  EXPECT_EQ(p.name_for(1'764'287'999 * kNs), "kjournal-2025.11.27");  // 23:59:59
  EXPECT_EQ(p.name_for(1'764'288'000 * kNs), "kjournal-2025.11.28");
  EXPECT_EQ(p.name_for(0), "kjournal-1970.01.01");
  EXPECT_EQ(p.name_for(-1), "kjournal-1969.12.31");
  EXPECT_EQ(p.name_for(951'782'400 * kNs), "kjournal-2000.02.29");
}

TEST(ElasticsearchIndexTest, PlainNameAndPercentEscape) {
  IndexPattern plain("logs-kubernetes.node-default");
  EXPECT_FALSE(plain.dated());
  EXPECT_EQ(plain.name_for(123), "logs-kubernetes.node-default");
  IndexPattern percent("logs-%%-%Y");
  EXPECT_EQ(percent.name_for(0), "logs-%-1970");
}

TEST(ElasticsearchIndexTest, RefusedNamesAndDirectivesNameThePattern) {
  for (const char* bad : {"Kjournal", "kj journal", "kj/x", "kj*", "kj?",   "kj\"", "kj<",
                          "kj>",      "kj|",        "kj,x", "kj#", "kj:x",  "-kj",  "_kj",
                          "+kj",      ".",          "..",   "",    "kj-%H", "kj-%", "kj\\x"}) {
    try {
      IndexPattern p(bad);
      ADD_FAILURE() << "accepted \"" << bad << "\"";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("\"") + bad + "\""), std::string::npos)
          << e.what();
    }
  }
  EXPECT_THROW(IndexPattern(std::string(256, 'a')), std::invalid_argument);
  EXPECT_NO_THROW(IndexPattern(std::string(255, 'a')));
}

TEST(ElasticsearchIndexTest, ProblemSaysWhatIsWrong) {
  EXPECT_EQ(index_name_problem("kjournal-2025.11.27"), "");
  EXPECT_EQ(index_name_problem("Logs"), "contains an upper case letter");
  EXPECT_EQ(index_name_problem("a b"), "contains ' '");
  EXPECT_EQ(index_name_problem("_x"), "starts with '_'");
}

}  // namespace
}  // namespace kj::exporters
