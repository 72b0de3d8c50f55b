// Turns a grouped text record of a log file into a Record: picks the format per record (a file
// can mix klog text with JSON, FORMATS.md §3.2), runs that format's parser, resolves klog's
// year-less local time, and fills the file-specific parts (component from the path, source,
// position, record id key).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "collectors/file/multiline_grouper.h"
#include "core/klog_time.h"
#include "core/parsed_line.h"
#include "core/record.h"

namespace kj::file {

// The component a log file belongs to, from its path:
//   /var/log/kube-scheduler.log[.1|-20261127.gz]                     -> kube-scheduler
//   /var/log/pods/kube-system_kube-scheduler-node1_<uid>/kube-scheduler/0.log -> kube-scheduler
//   /var/log/containers/<pod>_<namespace>_<container>-<container id>.log  -> <container>
//   klog's per-severity files <program>.<host>.<user>.log.INFO.<time>.<pid> -> <program>
std::string component_from_path(std::string_view path);

// What the decoder needs to know about the file a record came from. One per open file; the
// decoder keeps the time of the file's last record here.
struct FileContext {
  std::string path;  // Record::source and Position::file
  std::string component;
  uint64_t device = 0, inode = 0;
  uint64_t fingerprint = 0;  // Fingerprint::hash, for the record id key
  // The instant klog's year is taken from (file mtime in query mode); 0: the current time.
  int64_t reference_ns = 0;
  // Records carrying no time of their own (unrecognized text) take the time of the record
  // before them, so a file's records stay in time order.
  int64_t last_time_ns = kNoTime;
  // When false, decode() leaves the per-file strings (component, source, position.file, and
  // the always empty unit, node, identifier) alone: a caller that sets them once per output
  // record saves copying them for every record it buffers.
  bool fill_file_fields = true;
  // "file:<dev>:<ino>:<fingerprint>:" for the identity it was built from (decoder's cache).
  std::string key_prefix;
  uint64_t key_device = 0, key_inode = 0, key_fingerprint = 0;
};

class FileRecordDecoder {
 public:
  // `zone`: the zone klog headers were written in (IANA name, empty: the process's zone).
  // Throws std::invalid_argument for an unknown zone.
  explicit FileRecordDecoder(std::string_view zone = {});

  // Fills `out` (overwriting it) from `in`. `in.text` is consumed (its buffer is swapped into
  // `out`), which is what makes a record cost no allocation once buffers have grown.
  void decode(GroupedRecord& in, FileContext& ctx, Record& out);

  KlogTimeResolver& klog_time() { return klog_time_; }

 private:
  void fill_from_parsed(Record& out);
  int64_t now_ns() const;

  KlogTimeResolver klog_time_;
  ParsedLine parsed_;
  std::string scratch_;
};

}  // namespace kj::file
