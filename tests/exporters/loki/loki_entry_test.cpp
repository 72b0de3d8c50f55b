#include "exporters/loki/loki_entry.h"

#include <gtest/gtest.h>

#include <map>

#include "core/record_id.h"

namespace kj::exporters {
namespace {

std::map<std::string, std::string> metadata_of(const LokiEntryFormatter& f) {
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : f.metadata()) out.emplace(name, value);
  return out;
}

Record kubelet_record() {
  Record r;
  r.time_ns = 1'764'240'000'123'456'789;
  r.severity = Severity::error;
  r.node = "node-a";
  r.component = "kubelet";
  r.unit = "kubelet.service";
  r.identifier = "kubelet";
  r.pid = 1234;
  r.caller = "pod_workers.go:1298";
  r.message = "Error syncing pod";
  r.source = "journal";
  r.position.cursor = "s=1;i=2;b=3";
  r.attributes = {{"pod", "default/web"}, {"k8s.io/name", "x"}, {"pid", "99"}};
  return r;
}

TEST(LokiEntryFormatterTest, EveryFieldThatIsNotALabelIsMetadata) {
  LokiStreamGrouper labels({"node", "component"}, false);
  LokiEntryFormatter f(labels);
  const Record r = kubelet_record();
  f.format(r);
  EXPECT_EQ(f.line(), "Error syncing pod");
  std::string id;
  append_record_id(id, r.position.cursor);
  const std::map<std::string, std::string> want{{"level", "error"},
                                                {"unit", "kubelet.service"},
                                                {"identifier", "kubelet"},
                                                {"pid", "1234"},
                                                {"caller", "pod_workers.go:1298"},
                                                {"source", "journal"},
                                                {"record_id", id},
                                                {"pod", "default/web"},
                                                {"k8s_io_name", "x"},
                                                {"attr_pid", "99"}};
  EXPECT_EQ(metadata_of(f), want);
}

TEST(LokiEntryFormatterTest, LabelsAreNotRepeatedAsMetadata) {
  LokiStreamGrouper labels({"unit", "identifier"}, true);
  LokiEntryFormatter f(labels);
  f.format(kubelet_record());
  const auto m = metadata_of(f);
  EXPECT_FALSE(m.contains("level"));
  EXPECT_FALSE(m.contains("unit"));
  EXPECT_FALSE(m.contains("identifier"));
  EXPECT_EQ(m.at("node"), "node-a");
  EXPECT_EQ(m.at("component"), "kubelet");
}

TEST(LokiEntryFormatterTest, LongLineIsCutAndFlagged) {
  LokiStreamGrouper labels({"node"}, false);
  LokiEntryFormatter f(labels);
  Record r = kubelet_record();
  r.message = std::string(kLokiMaxLineBytes - 1, 'a') + "\xc3\xa9 tail";
  f.format(r);
  EXPECT_EQ(f.line().size(), kLokiMaxLineBytes - 1) << "cut before the 2-byte character";
  EXPECT_EQ(metadata_of(f).at("line_truncated"), "true");

  r.message = std::string(kLokiMaxLineBytes, 'a');
  f.format(r);
  EXPECT_EQ(f.line().size(), kLokiMaxLineBytes) << "exactly the limit is kept";
  EXPECT_FALSE(metadata_of(f).contains("line_truncated"));
}

TEST(LokiEntryFormatterTest, InvalidUtf8IsReplacedInLineAndMetadata) {
  LokiStreamGrouper labels({"node"}, false);
  LokiEntryFormatter f(labels);
  Record r = kubelet_record();
  r.message = "bad \xff byte";
  r.attributes = {{"bad\xffkey", "v\xc3"}};
  f.format(r);
  EXPECT_EQ(f.line(), "bad \xef\xbf\xbd byte");
  EXPECT_EQ(metadata_of(f).at("bad_key"), "v\xef\xbf\xbd");
}

TEST(LokiEntryFormatterTest, MetadataStaysWithinLokisLimits) {
  LokiStreamGrouper labels({"node"}, false);
  LokiEntryFormatter f(labels);
  Record r = kubelet_record();
  r.attributes = {{"body", std::string(256 * 1024, 'x')}, {"after", "y"}};
  f.format(r);
  size_t bytes = 0;
  for (const auto& [n, v] : f.metadata()) bytes += n.size() + v.size();
  EXPECT_LE(bytes, kLokiMaxMetadataBytes);
  const auto m = metadata_of(f);
  EXPECT_GT(m.at("body").size(), 50'000u) << "cut, not dropped";
  EXPECT_EQ(m.at("metadata_truncated"), "true");
  EXPECT_FALSE(m.contains("after")) << "no room left";

  r.attributes.clear();
  for (int i = 0; i < 300; ++i) r.attributes.emplace_back("k" + std::to_string(i), "v");
  f.format(r);
  EXPECT_EQ(f.metadata().size(), kLokiMaxMetadataEntries);
  EXPECT_EQ(metadata_of(f).at("metadata_truncated"), "true");
}

TEST(LokiEntryFormatterTest, EmptyValuesAndUnknownPidAreLeftOut) {
  LokiStreamGrouper labels({"node", "component"}, false);
  LokiEntryFormatter f(labels);
  Record r;
  r.time_ns = 1;
  f.format(r);
  const auto m = metadata_of(f);
  EXPECT_EQ(m, (std::map<std::string, std::string>{{"level", "unknown"}}));
  EXPECT_EQ(f.line(), "");
}

}  // namespace
}  // namespace kj::exporters
