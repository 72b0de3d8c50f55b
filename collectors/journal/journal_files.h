// Pre-flight inventory of the journal files a source would open. sd-journal silently skips
// files it cannot open (permissions, a newer incompatible format, truncation), which makes a
// broken setup look like "no entries"; this names every such file and why.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "collectors/journal/journal_handle.h"

namespace kj::journal {

struct JournalFileProblem {
  std::string path;
  std::string reason;
};

struct JournalInventory {
  std::vector<std::string> searched;         // directories looked in (empty for --file)
  std::vector<std::string> files;            // journal files found
  std::vector<JournalFileProblem> problems;  // files and directories
  size_t unreadable_files = 0;
  size_t readable() const { return files.size() - unreadable_files; }
};

// Header incompatible-flag bits this build's libsystemd understands.
uint32_t supported_incompatible_flags();

// The entry walk (check_journal_entries) is limited to files whose entries can fall into
// [since_us, until_us], so the cost of a short --since window does not grow with the journal.
JournalInventory inspect_journal_files(const JournalSource& source,
                                       std::optional<int64_t> since_us = std::nullopt,
                                       std::optional<int64_t> until_us = std::nullopt);

// Checks one file's header; empty string if it looks readable, else the reason.
std::string check_journal_file(const std::string& path);

// Walks a file's entry arrays and entry object headers: entries sd-journal would skip
// without a word (damaged objects past an intact header).
struct EntryCheck {
  uint64_t entries_seen = 0;  // entries whose object looks sound
  uint64_t bad_entries = 0;   // array items or entries that cannot be read
  uint64_t first_bad_offset = 0;
  bool broken_chain = false;  // the array chain itself is damaged: later entries unreachable
};
EntryCheck check_journal_entries(const std::string& path);

}  // namespace kj::journal
