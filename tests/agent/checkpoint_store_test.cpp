#include "agent/checkpoint_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "tests/support/temp_dir.h"

namespace kj::agent {
namespace {

namespace fs = std::filesystem;

TEST(CheckpointStore, MissingFileIsMissingNotAnError) {
  kjt::TempDir dir("kjt-cp");
  CheckpointStore store((dir / "state").string());
  EXPECT_TRUE(fs::is_directory(dir / "state"));
  EXPECT_EQ(store.load("node-services").status, CheckpointStore::LoadStatus::missing);
}

TEST(CheckpointStore, RoundTripsJournalAndFilePositions) {
  kjt::TempDir dir("kjt-cp");
  CheckpointStore store(dir.path().string());
  Checkpoint cp;
  cp.journal_cursor = "s=abc;i=1f;b=def;m=10;t=20;x=30";
  cp.files.push_back({"/var/log/kube-scheduler.log", 2049, 77, 0xfeedfacecafebeefull, 128, 4096});
  store.save("control plane/1", cp);
  // Names are made safe for a file name; the content is what was saved.
  EXPECT_TRUE(fs::exists(dir / "control_plane_1.checkpoint.json"));
  const auto loaded = store.load("control plane/1");
  ASSERT_EQ(loaded.status, CheckpointStore::LoadStatus::loaded);
  EXPECT_EQ(loaded.checkpoint.journal_cursor, cp.journal_cursor);
  ASSERT_EQ(loaded.checkpoint.files.size(), 1u);
  const auto& f = loaded.checkpoint.files[0];
  EXPECT_EQ(f.path, "/var/log/kube-scheduler.log");
  EXPECT_EQ(f.device, 2049u);
  EXPECT_EQ(f.inode, 77u);
  EXPECT_EQ(f.fingerprint, 0xfeedfacecafebeefull);
  EXPECT_EQ(f.fingerprint_length, 128u);
  EXPECT_EQ(f.offset, 4096u);
  // No temp file left behind by the atomic write.
  EXPECT_FALSE(fs::exists(dir / "control_plane_1.checkpoint.json.tmp"));
}

TEST(CheckpointStore, SaveReplacesThePreviousCheckpoint) {
  kjt::TempDir dir("kjt-cp");
  CheckpointStore store(dir.path().string());
  Checkpoint a, b;
  a.journal_cursor = "s=1;i=1";
  b.journal_cursor = "s=1;i=2";
  store.save("j", a);
  store.save("j", b);
  EXPECT_EQ(store.load("j").checkpoint.journal_cursor, "s=1;i=2");
}

TEST(CheckpointStore, CorruptFileIsMovedAsideWithAClearError) {
  kjt::TempDir dir("kjt-cp");
  CheckpointStore store(dir.path().string());
  for (const char* content : {"{\"version\":1,\"journal_cursor\":", "garbage\n", "{\"version\":7}",
                              "{\"version\":1,\"files\":[{\"path\":\"/x\"}]}"}) {
    std::ofstream(store.path_for("j")) << content;
    const auto r = store.load("j");
    ASSERT_EQ(r.status, CheckpointStore::LoadStatus::corrupt) << content;
    EXPECT_NE(r.error.find(store.path_for("j")), std::string::npos) << r.error;
    EXPECT_TRUE(fs::exists(r.moved_to)) << r.moved_to;
    EXPECT_FALSE(fs::exists(store.path_for("j")));
    fs::remove(r.moved_to);
  }
}

TEST(CheckpointStore, UnwritableDirectoryIsAnErrorNamingIt) {
  if (geteuid() == 0) {
    // Root writes anywhere; use a path below a regular file instead.
    kjt::TempDir dir("kjt-cp");
    std::ofstream(dir / "file") << "x";
    try {
      CheckpointStore store((dir / "file" / "state").string());
      FAIL() << "expected an error";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find((dir / "file").string()), std::string::npos) << e.what();
    }
    return;
  }
  kjt::TempDir dir("kjt-cp");
  chmod(dir.path().c_str(), 0500);
  EXPECT_THROW(CheckpointStore((dir / "state").string()), std::runtime_error);
}

}  // namespace
}  // namespace kj::agent
