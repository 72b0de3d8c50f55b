#include "exporters/loki/loki_streams.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace kj::exporters {
namespace {

Record record(std::string node, std::string component, int64_t time_ns, std::string message) {
  Record r;
  r.node = std::move(node);
  r.component = std::move(component);
  r.time_ns = time_ns;
  r.message = std::move(message);
  return r;
}

TEST(LokiLabelsTest, LabelNamesFollowThePrometheusRule) {
  EXPECT_TRUE(is_valid_loki_label_name("node"));
  EXPECT_TRUE(is_valid_loki_label_name("_x9"));
  EXPECT_TRUE(is_valid_loki_label_name("podUID"));
  EXPECT_FALSE(is_valid_loki_label_name(""));
  EXPECT_FALSE(is_valid_loki_label_name("9x"));
  EXPECT_FALSE(is_valid_loki_label_name("k8s.io/name"));
  EXPECT_FALSE(is_valid_loki_label_name("a-b"));
  EXPECT_EQ(loki_label_name("podUID"), "podUID");
  EXPECT_EQ(loki_label_name("k8s.io/name"), "k8s_io_name");
  EXPECT_EQ(loki_label_name("1x"), "_1x");
  EXPECT_EQ(loki_label_name(""), "_");
  EXPECT_EQ(loki_label_name("bad\xffkey"), "bad_key");
  EXPECT_EQ(loki_label_name(std::string(5000, 'a')).size(), kLokiMaxLabelNameBytes);
}

TEST(LokiLabelsTest, ValuesAreMadeValidUtf8AndCutAtACharacterBoundary) {
  std::string out;
  EXPECT_FALSE(append_loki_value(out, "caf\xc3\xa9", 10));
  EXPECT_EQ(out, "caf\xc3\xa9");
  out.clear();
  EXPECT_FALSE(append_loki_value(out, "a\xff", 10));
  EXPECT_EQ(out, "a\xef\xbf\xbd");
  out.clear();
  EXPECT_TRUE(append_loki_value(out, "caf\xc3\xa9", 4));  // é would straddle the cut
  EXPECT_EQ(out, "caf");
  out.clear();
  EXPECT_TRUE(append_loki_value(out, "\xff\xff", 4));  // two replacements: 6 bytes
  EXPECT_EQ(out, "\xef\xbf\xbd");
}

TEST(LokiStreamGrouperTest, OneStreamPerLabelSetEntriesSortedStably) {
  LokiStreamGrouper grouper({"node", "component"}, false);
  const std::vector<Record> records{
      record("n1", "kubelet", 30, "k3"),  record("n1", "containerd", 10, "c1"),
      record("n1", "kubelet", 10, "k1"),  record("n1", "kubelet", 20, "k2a"),
      record("n1", "kubelet", 20, "k2b"), record("n1", "containerd", 5, "c0")};
  const auto& streams = grouper.group(records);
  ASSERT_EQ(streams.size(), 2u);
  EXPECT_EQ(streams[0].selector, "{component=\"kubelet\", node=\"n1\"}");
  EXPECT_EQ(streams[1].selector, "{component=\"containerd\", node=\"n1\"}");
  ASSERT_EQ(streams[0].labels.size(), 2u);
  EXPECT_EQ(streams[0].labels[0].first, "component");
  EXPECT_EQ(streams[0].labels[1].second, "n1");
  std::vector<std::string> order;
  for (const Record* r : streams[0].entries) order.push_back(r->message);
  EXPECT_EQ(order, (std::vector<std::string>{"k1", "k2a", "k2b", "k3"}));
  order.clear();
  for (const Record* r : streams[1].entries) order.push_back(r->message);
  EXPECT_EQ(order, (std::vector<std::string>{"c0", "c1"}));
}

TEST(LokiStreamGrouperTest, LevelLabelAndEmptyValues) {
  LokiStreamGrouper grouper({"component"}, /*level_label=*/true);
  EXPECT_TRUE(grouper.is_label(LokiLabelField::level));
  EXPECT_TRUE(grouper.is_label(LokiLabelField::component));
  EXPECT_FALSE(grouper.is_label(LokiLabelField::node));
  Record r = record("n1", "", 1, "x");
  r.severity = Severity::warning;
  const std::vector<Record> records{r};
  const auto& streams = grouper.group(records);
  ASSERT_EQ(streams.size(), 1u);
  EXPECT_EQ(streams[0].selector, "{level=\"warn\"}") << "an empty component is no label";
}

TEST(LokiStreamGrouperTest, NoLabelLeftGetsAJobLabel) {
  LokiStreamGrouper grouper({}, false);
  const std::vector<Record> records{record("n1", "kubelet", 1, "x")};
  const auto& streams = grouper.group(records);
  ASSERT_EQ(streams.size(), 1u);
  EXPECT_EQ(streams[0].selector, "{job=\"kjournal\"}");
  ASSERT_EQ(streams[0].labels.size(), 1u);
  EXPECT_EQ(streams[0].labels[0].first, "job");
}

TEST(LokiStreamGrouperTest, SelectorEscapesQuotesBackslashesAndNewlines) {
  LokiStreamGrouper grouper({"unit"}, false);
  Record r;
  r.unit = "a\"b\\c\nd\x01";
  const std::vector<Record> records{r};
  EXPECT_EQ(grouper.group(records)[0].selector, "{unit=\"a\\\"b\\\\c\\nd\\x01\"}");
  EXPECT_EQ(grouper.group(records)[0].labels[0].second, r.unit) << "JSON keeps the raw value";
}

TEST(LokiStreamGrouperTest, OnlyBoundedRecordFieldsMayBeLabels) {
  EXPECT_THROW(LokiStreamGrouper({"pid"}, false), std::invalid_argument);
  EXPECT_THROW(LokiStreamGrouper({"message"}, false), std::invalid_argument);
  EXPECT_NO_THROW(LokiStreamGrouper({"node", "component", "unit", "identifier", "level"}, false));
}

}  // namespace
}  // namespace kj::exporters
