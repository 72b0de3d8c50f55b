// The sources one `kjournal` run reads: the journal and the component log files, each a
// RecordSource, with the query's window and filters applied, ready for the timeline merge.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/entry_source.h"
#include "cli/parallel_file_source.h"
#include "cli/query_options.h"
#include "cli/record_formatter.h"
#include "collectors/file/file_query_options.h"
#include "collectors/journal/journal_reader.h"

namespace kj::cli {

// Log files of Kubernetes components that kjournal reads by default, relative to --log-dir
// (each with its rotated siblings), and the CRI logs of kube-system pods (static control
// plane pods, kube-proxy).
std::vector<std::string> default_log_patterns(const std::string& log_dir);

// Whether log files take part in this query (they do unless switched off, or -u selects
// journal units only).
bool wants_files(const QueryOptions& o);

struct SourceSet {
  std::vector<std::unique_ptr<EntrySource>> sources;
  journal::JournalReader* journal = nullptr;  // owned by `sources`, if the journal is read
  size_t file_sources = 0;
  // Of the log file sources (query mode), owned by `sources`: their unreadable or corrupt
  // files are reported at the end.
  std::vector<const file::FileQueryStats*> file_stats;
  std::vector<std::string> warnings;  // to print on stderr before the records
};

// Threads that read one large log file in query mode: the CPUs this process may run on, up to
// four; 1 reads every file on the calling thread.
unsigned file_reading_threads();

// Opens every source; their records are formatted with `formatter`, which must outlive them.
// `filters` makes the query's record filter (or is empty): sources on the calling thread share
// one, threads that read a large file make their own. Throws journal::JournalError when nothing
// at all can be read (naming what was tried); a missing default journal with log files present
// is only a warning.
SourceSet open_sources(const QueryOptions& o, const RecordFilterFactory& filters,
                       RecordFormatter& formatter);

}  // namespace kj::cli
