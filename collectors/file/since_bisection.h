// Where reading a large plain log file may start so that no record at or after a `since`
// instant is missed: a bisection over byte offsets on the times of the records found there,
// instead of reading (and decoding) the whole file up to the window.
#pragma once

#include <cstdint>

#include "core/klog_time.h"

namespace kj::file {

// The offset of a record start in the plain file open as `fd` (`size` bytes, modified at
// `mtime_ns`) before which every record is older than `since_ns`, up to the small disorder of
// a log file: the caller subtracts a slack for that. 0 when nothing can be skipped. klog header
// times are resolved against the mtime in the zone of `klog_time`. Reads with pread only.
uint64_t find_since_offset(int fd, uint64_t size, int64_t mtime_ns, KlogTimeResolver& klog_time,
                           int64_t since_ns);

}  // namespace kj::file
