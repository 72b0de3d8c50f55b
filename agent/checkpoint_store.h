// One small state file per source in the state directory, holding the position up to which
// every exporter has a final outcome. Written atomically (temp file, fsync, rename, fsync of
// the directory), so a crash leaves either the old or the new checkpoint, never half of one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "collectors/file/file_tailer.h"

namespace kj::agent {

struct Checkpoint {
  std::string journal_cursor;             // journal sources
  std::vector<file::FilePosition> files;  // file sources: one position per file
};

class CheckpointStore {
 public:
  // Creates `state_dir` (mode 0750) if it does not exist. Throws std::runtime_error naming
  // the directory when it cannot be created or written.
  explicit CheckpointStore(std::string state_dir);

  enum class LoadStatus { missing, loaded, corrupt };
  struct LoadResult {
    LoadStatus status = LoadStatus::missing;
    Checkpoint checkpoint;
    std::string error;     // corrupt: what is wrong, naming the file
    std::string moved_to;  // corrupt: where the bad file was moved aside
  };
  // A corrupt file is moved aside (`<file>.corrupt-<unix time>`) so the agent can start from
  // its start_at policy and the evidence is kept for the operator.
  LoadResult load(const std::string& source_name);
  // Throws std::runtime_error naming the file on I/O errors (disk full, permissions).
  void save(const std::string& source_name, const Checkpoint& checkpoint);

  std::string path_for(const std::string& source_name) const;
  const std::string& directory() const { return dir_; }

 private:
  std::string dir_;
};

}  // namespace kj::agent
