#include "collectors/file/rotated_siblings.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/collectors/file/file_test_util.h"
#include "tests/support/temp_dir.h"

namespace {

using kj::file::is_rotated_name;
using kj::file::parse_rotation_suffix;
using kj::file::rotated_siblings;

std::vector<std::string> names(const std::vector<kj::file::RotatedFile>& files) {
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(f.path.filename().string() + (f.gzip ? " gz" : ""));
  return out;
}

TEST(FileRotatedSiblingsTest, NumberedOldestFirst) {
  kjt::TempDir dir("kjfile");
  for (const char* n : {"x.log", "x.log.1", "x.log.2.gz", "x.log.10.gz", "x.log.3", "x.log.1.tmp",
                        "x.logger", "y.log.1", "x.log.a", "x.log.0"}) {
    kjt::write_file(dir / n, "a\n");
  }
  EXPECT_EQ(names(rotated_siblings(dir / "x.log")),
            (std::vector<std::string>{"x.log.10.gz gz", "x.log.3", "x.log.2.gz gz", "x.log.1"}));
}

TEST(FileRotatedSiblingsTest, DatedAndKubeletNamesOldestFirst) {
  kjt::TempDir dir("kjfile");
  for (const char* n : {"x.log-20261127.gz", "x.log-20261126", "x.log-20261128"}) {
    kjt::write_file(dir / n, "a\n");
  }
  EXPECT_EQ(names(rotated_siblings(dir / "x.log")),
            (std::vector<std::string>{"x.log-20261126", "x.log-20261127.gz gz", "x.log-20261128"}));
  for (const char* n : {"0.log", "0.log.20261127-101010.gz", "0.log.20261127-091010.gz",
                        "0.log.20261127-111010", "0.log.20261127-111010.tmp"}) {
    kjt::write_file(dir / n, "a\n");
  }
  EXPECT_EQ(names(rotated_siblings(dir / "0.log")),
            (std::vector<std::string>{"0.log.20261127-091010.gz gz", "0.log.20261127-101010.gz gz",
                                      "0.log.20261127-111010"}));
}

TEST(FileRotatedSiblingsTest, PlainTwinOfACompressedFileIsListedOnce) {
  kjt::TempDir dir("kjfile");
  kjt::write_file(dir / "0.log.20261127-101010", "a\n");
  kjt::write_gzip(dir / "0.log.20261127-101010.gz", "a\n");
  EXPECT_EQ(names(rotated_siblings(dir / "0.log")),
            (std::vector<std::string>{"0.log.20261127-101010"}));
}

TEST(FileRotatedSiblingsTest, MixedSchemesMergeByMtime) {
  kjt::TempDir dir("kjfile");
  kjt::write_file(dir / "x.log.2", "a\n");
  kjt::write_file(dir / "x.log.1", "a\n");
  kjt::write_file(dir / "x.log-20261127", "a\n");
  kjt::set_mtime(dir / "x.log.2", 1000);
  kjt::set_mtime(dir / "x.log-20261127", 2000);
  kjt::set_mtime(dir / "x.log.1", 3000);
  EXPECT_EQ(names(rotated_siblings(dir / "x.log")),
            (std::vector<std::string>{"x.log.2", "x.log-20261127", "x.log.1"}));
}

TEST(FileRotatedSiblingsTest, MissingDirectoryIsEmpty) {
  EXPECT_TRUE(rotated_siblings("/nonexistent-kjournal-dir/x.log").empty());
}

TEST(FileRotatedSiblingsTest, SuffixParsing) {
  auto s = parse_rotation_suffix("x.log", "x.log.12.gz");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->number, 12u);
  EXPECT_TRUE(s->gzip);
  s = parse_rotation_suffix("0.log", "0.log.20261127-101010");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->date, "20261127-101010");
  EXPECT_FALSE(s->gzip);
  EXPECT_FALSE(parse_rotation_suffix("x.log", "x.log"));
  EXPECT_FALSE(parse_rotation_suffix("x.log", "x.log.old"));
  EXPECT_FALSE(parse_rotation_suffix("x.log", "x.log-3"));
  EXPECT_FALSE(parse_rotation_suffix("x.log", "x.log.0"));
}

TEST(FileRotatedSiblingsTest, RotatedNames) {
  EXPECT_TRUE(is_rotated_name("kube-apiserver.log.1"));
  EXPECT_TRUE(is_rotated_name("kube-apiserver.log.2.gz"));
  EXPECT_TRUE(is_rotated_name("kube-apiserver.log-20261127"));
  EXPECT_TRUE(is_rotated_name("0.log.20261127-101010"));
  EXPECT_TRUE(is_rotated_name("0.log.20261127-101010.tmp"));
  EXPECT_FALSE(is_rotated_name("0.log"));
  EXPECT_FALSE(is_rotated_name("kube-scheduler.log"));
  EXPECT_FALSE(is_rotated_name("kube-proxy-node-1.log"));
}

}  // namespace
