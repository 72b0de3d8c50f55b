// The sources one `kjournal` run reads: the journal and the component log files, each a
// RecordSource, with the query's window and filters applied, ready for the timeline merge.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/query_options.h"
#include "collectors/file/file_query_reader.h"
#include "collectors/journal/journal_reader.h"
#include "core/record_source.h"

namespace kj::cli {

// Log files of Kubernetes components that kjournal reads by default, relative to --log-dir
// (each with its rotated siblings), and the CRI logs of kube-system pods (static control
// plane pods, kube-proxy).
std::vector<std::string> default_log_patterns(const std::string& log_dir);

// Whether log files take part in this query (they do unless switched off, or -u selects
// journal units only).
bool wants_files(const QueryOptions& o);

struct SourceSet {
  std::vector<std::unique_ptr<RecordSource>> sources;
  journal::JournalReader* journal = nullptr;  // owned by `sources`, if the journal is read
  size_t file_sources = 0;
  // Owned by `sources` (query mode): their unreadable or corrupt files are reported at the end.
  std::vector<const file::FileQueryReader*> file_readers;
  std::vector<std::string> warnings;  // to print on stderr before the records
};

// Opens every source. Throws journal::JournalError when nothing at all can be read (naming
// what was tried); a missing default journal with log files present is only a warning.
SourceSet open_sources(const QueryOptions& o, journal::RecordFilter filter);

}  // namespace kj::cli
