// The Journal Export Format as journal-remote's importer reads it: the text/binary choice,
// the entry address, and the fields made for records that carry no journal fields.
#include "exporters/journal_remote/journal_export_encoder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "core/record_id.h"
#include "tests/support/journal_fixture.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace kj::exporters {
namespace {

std::string field(std::string_view name, std::string_view value) {
  std::string out;
  append_journal_export_field(out, name, value);
  return out;
}

std::vector<kjt::Entry> parse(const std::string& body) {
  return kjt::parse_export_format(body);
}

Record file_record() {
  Record r;
  r.time_ns = 1'795'819'800'123'456'789;
  r.severity = Severity::error;
  r.level_raw = "E";
  r.message = "\"Error syncing pod\"";
  r.component = "kube-scheduler";
  r.node = "node-1";
  r.pid = 1234;
  r.caller = "schedule_one.go:1004";
  r.attributes = {{"pod", "default/web-1"}, {"podUID", "6f3b"}, {"err-text", "a\nb"}};
  r.source = "/var/log/kube-scheduler.log";
  r.position.file = r.source;
  r.position.cursor = "file:2049:131:4096";
  return r;
}

TEST(JournalExportField, TextFormForPrintableUtf8AndTab) {
  EXPECT_EQ(field("MESSAGE", "pod sync failed"), "MESSAGE=pod sync failed\n");
  EXPECT_EQ(field("MESSAGE", "caf\xc3\xa9\ttab \xf0\x9f\x98\x80"),
            "MESSAGE=caf\xc3\xa9\ttab \xf0\x9f\x98\x80\n");
  EXPECT_EQ(field("EMPTY", ""), "EMPTY=\n");
  EXPECT_EQ(field("EQ", "a=b"), "EQ=a=b\n");
}

TEST(JournalExportField, NewlineUsesTheBinaryFormByteForByte) {
  // The documented example: MESSAGE "a\nb" is NAME \n, LE64 3, the bytes, \n.
  const std::string expected(
      "MESSAGE\n\x03\x00\x00\x00\x00\x00\x00\x00"
      "a\nb\n",
      8 + 8 + 3 + 1);
  EXPECT_EQ(field("MESSAGE", "a\nb"), expected);
}

TEST(JournalExportField, ControlBytesAndInvalidUtf8UseTheBinaryForm) {
  for (std::string_view v :
       {std::string_view("cr\r"), std::string_view("nul\0x", 5), std::string_view("esc\x1b[0m"),
        std::string_view("del\x7f"), std::string_view("c1 \xc2\x85"), std::string_view("bad \xff"),
        std::string_view("cut \xc3"), std::string_view("surrogate \xed\xa0\x80")}) {
    EXPECT_FALSE(journal_text_form_ok(v)) << v;
    const std::string f = field("F", v);
    ASSERT_EQ(f.size(), 2 + 8 + v.size() + 1);
    EXPECT_EQ(f.substr(0, 2), "F\n");
    uint64_t len = 0;
    for (int i = 7; i >= 0; --i) len = (len << 8) | static_cast<unsigned char>(f[2 + i]);
    EXPECT_EQ(len, v.size());
    EXPECT_EQ(f.substr(10, v.size()), v);
    EXPECT_EQ(f.back(), '\n');
  }
  EXPECT_TRUE(journal_text_form_ok("\xc2\xa0 no-break space is printable"));
}

TEST(JournalExportField, FieldNameRule) {
  EXPECT_TRUE(is_valid_journal_field_name("MESSAGE"));
  EXPECT_TRUE(is_valid_journal_field_name("_SYSTEMD_UNIT"));
  EXPECT_TRUE(is_valid_journal_field_name("A1_2"));
  EXPECT_TRUE(is_valid_journal_field_name(std::string(64, 'A')));
  EXPECT_FALSE(is_valid_journal_field_name(std::string(65, 'A')));
  EXPECT_FALSE(is_valid_journal_field_name(""));
  EXPECT_FALSE(is_valid_journal_field_name("1ABC"));
  EXPECT_FALSE(is_valid_journal_field_name("message"));
  EXPECT_FALSE(is_valid_journal_field_name("A-B"));
  EXPECT_EQ(journal_attribute_field_name("podUID"), "KLOG_PODUID");
  EXPECT_EQ(journal_attribute_field_name("err-text.x"), "KLOG_ERR_TEXT_X");
  EXPECT_EQ(journal_attribute_field_name(std::string(100, 'a')).size(), 64u);
}

TEST(JournalExportEntry, OriginalFieldsAddressFirstCursorAndBadNamesSkipped) {
  Record r;
  r.message = "ignored: the original fields are sent";
  r.journal_fields = {{"__REALTIME_TIMESTAMP", "1795819800000001"},
                      {"__MONOTONIC_TIMESTAMP", "42"},
                      {"_BOOT_ID", "3f1e0a9b2c4d4e6f8a1b2c3d4e5f6071"},
                      {"__CURSOR", "s=abc;i=1"},
                      {"__SEQNUM", "7"},
                      {"_HOSTNAME", "node-1"},
                      {"MESSAGE", "line one\nline two"},
                      {"bad_name", "x"},
                      {"TAG", "a"},
                      {"TAG", "b"}};
  std::string out;
  append_journal_export_entry(out, r);
  const std::string head =
      "__REALTIME_TIMESTAMP=1795819800000001\n__MONOTONIC_TIMESTAMP=42\n"
      "_BOOT_ID=3f1e0a9b2c4d4e6f8a1b2c3d4e5f6071\n_HOSTNAME=node-1\nMESSAGE\n";
  EXPECT_EQ(out.substr(0, head.size()), head);
  EXPECT_TRUE(out.ends_with("TAG=a\nTAG=b\n\n"));
  EXPECT_EQ(out.find("__CURSOR"), std::string::npos);
  EXPECT_EQ(out.find("__SEQNUM"), std::string::npos);
  EXPECT_EQ(out.find("bad_name"), std::string::npos);
  const auto entries = parse(out);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].get("MESSAGE"), "line one\nline two");
}

TEST(JournalExportEntry, FileRecordGetsSynthesizedFields) {
  const Record r = file_record();
  std::string out;
  append_journal_export_entry(out, r);
  const auto entries = parse(out);
  ASSERT_EQ(entries.size(), 1u);
  const auto& e = entries[0];
  // The address first, in the order journal-upload sends it.
  ASSERT_GE(e.fields().size(), 3u);
  EXPECT_EQ(e.fields()[0].name, "__REALTIME_TIMESTAMP");
  EXPECT_EQ(e.fields()[1].name, "__MONOTONIC_TIMESTAMP");
  EXPECT_EQ(e.fields()[2].name, "_BOOT_ID");
  EXPECT_EQ(e.get("__REALTIME_TIMESTAMP"), "1795819800123456");
  EXPECT_EQ(e.get("__MONOTONIC_TIMESTAMP"), "1795819800123456");
  EXPECT_EQ(e.get("_BOOT_ID"), synthetic_boot_id("node-1"));
  EXPECT_EQ(e.get("MESSAGE"), r.message);
  EXPECT_EQ(e.get("PRIORITY"), "3");
  EXPECT_EQ(e.get("SYSLOG_IDENTIFIER"), "kube-scheduler");
  EXPECT_EQ(e.get("SYSLOG_PID"), "1234");
  EXPECT_EQ(e.get("_HOSTNAME"), "node-1");
  EXPECT_EQ(e.get("KJOURNAL_COMPONENT"), "kube-scheduler");
  EXPECT_EQ(e.get("KJOURNAL_LEVEL"), "E");
  EXPECT_EQ(e.get("KJOURNAL_CALLER"), "schedule_one.go:1004");
  EXPECT_EQ(e.get("KJOURNAL_SOURCE"), "/var/log/kube-scheduler.log");
  std::string id;
  append_record_id(id, r.position.cursor);
  EXPECT_EQ(e.get("KJOURNAL_RECORD_ID"), id);
  EXPECT_EQ(e.get("KLOG_POD"), "default/web-1");
  EXPECT_EQ(e.get("KLOG_PODUID"), "6f3b");
  EXPECT_EQ(e.get("KLOG_ERR_TEXT"), "a\nb");
  EXPECT_FALSE(e.get("_SYSTEMD_UNIT"));  // empty values are left out
}

TEST(JournalExportEntry, SyntheticBootIdIsStablePerNode) {
  const std::string a = synthetic_boot_id("node-1");
  EXPECT_EQ(a.size(), 32u);
  EXPECT_TRUE(std::all_of(a.begin(), a.end(),
                          [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }));
  EXPECT_EQ(a, synthetic_boot_id("node-1"));
  EXPECT_NE(a, synthetic_boot_id("node-2"));
}

TEST(JournalExportEntry, UnknownSeverityHasNoPriority) {
  Record r = file_record();
  r.severity = Severity::unknown;
  std::string out;
  append_journal_export_entry(out, r);
  EXPECT_FALSE(parse(out)[0].get("PRIORITY"));
}

TEST(JournalExportEntry, AtMostJournalRemotesFieldLimit) {
  Record r = file_record();
  r.attributes.clear();
  for (int i = 0; i < 2000; ++i) r.attributes.emplace_back("k" + std::to_string(i), "v");
  std::string out;
  append_journal_export_entry(out, r);
  const auto entries = parse(out);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].fields().size(), kMaxJournalEntryFields);
}

TEST(JournalExportEncoder, OnePostToUploadUncompressed) {
  JournalExportEncoder enc;
  Record journal;
  journal.journal_fields = {{"__REALTIME_TIMESTAMP", "1795819800000001"},
                            {"__MONOTONIC_TIMESTAMP", "1"},
                            {"_BOOT_ID", "3f1e0a9b2c4d4e6f8a1b2c3d4e5f6071"},
                            {"MESSAGE", "from the journal"}};
  const std::vector<Record> records{journal, file_record()};
  const EncodedRequest req = enc.encode(records);
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.path_and_query, "/upload");
  EXPECT_EQ(req.content_type, "application/vnd.fdo.journal");
  EXPECT_FALSE(req.compress);
  const auto entries = parse(req.body);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].get("MESSAGE"), "from the journal");
  EXPECT_EQ(entries[1].get("KLOG_POD"), "default/web-1");
}

TEST(JournalExportEncoder, JournalRemoteImportsTheBodyUnchanged) {
  // The real importer as the judge: feed the body to systemd-journal-remote and read back.
  Record journal;
  journal.journal_fields = {{"__REALTIME_TIMESTAMP", "1795819800000001"},
                            {"__MONOTONIC_TIMESTAMP", "77"},
                            {"_BOOT_ID", "3f1e0a9b2c4d4e6f8a1b2c3d4e5f6071"},
                            {"MESSAGE", std::string("nul\0 and \xff and\nnewline", 22)},
                            {"_SYSTEMD_UNIT", "kubelet.service"}};
  JournalExportEncoder enc;
  const std::vector<Record> records{journal, file_record()};
  kjt::TempDir dir("kj-encoder");
  const auto file = dir / "x.journal";
  kjt::RunOptions opts;
  opts.stdin_data = enc.encode(records).body;
  const auto conv = kjt::run(
      {"/lib/systemd/systemd-journal-remote", "--split-mode=none", "-o", file.string(), "-"}, opts);
  ASSERT_EQ(conv.exit_code(), 0) << conv.describe();
  const auto read = kjt::run({"journalctl", "--file", file.string(), "-o", "export"});
  ASSERT_EQ(read.exit_code(), 0) << read.describe();
  const auto entries = kjt::parse_export_format(read.out);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].get("__MONOTONIC_TIMESTAMP"), "77");
  EXPECT_EQ(entries[0].get("_BOOT_ID"), "3f1e0a9b2c4d4e6f8a1b2c3d4e5f6071");
  EXPECT_EQ(entries[0].get("MESSAGE"), std::string("nul\0 and \xff and\nnewline", 22));
  EXPECT_EQ(entries[1].get("__REALTIME_TIMESTAMP"), "1795819800123456");
  EXPECT_EQ(entries[1].get("KLOG_ERR_TEXT"), "a\nb");
}

}  // namespace
}  // namespace kj::exporters
