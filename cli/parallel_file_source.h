// One log path (a large file and its rotated siblings) read by several threads: the query plan
// cuts the files into chunks at record boundaries, each worker reads, decodes, filters and
// formats whole chunks into its own text blocks, and the merge takes the text in file order.
// Only text crosses between threads: measured on a 2-core VM, handing Records from one
// thread to another cost more than the work it moved.
//
// The output is the same, byte for byte, as reading the path with one FileQueryReader and
// formatting its records: the workers hand over every record (a filtered one as a mark
// without text), so the reordering window sees the same sequence it would in one pass.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cli/entry_source.h"
#include "cli/record_formatter.h"
#include "collectors/file/file_chunk_reader.h"
#include "collectors/file/file_query_options.h"
#include "collectors/file/file_query_plan.h"
#include "collectors/file/reorder_window.h"
#include "collectors/journal/journal_reader.h"
#include "core/klog_time.h"

namespace kj::cli {

// Sizes measured on the 500 MiB bench file (2 vCPUs): 512 KiB chunks, six ahead and 256 KiB
// text blocks took 0.95-1.0 s where 1 MiB chunks, four ahead and 1 MiB blocks took 1.0-1.7 s,
// with 21 MB peak RSS instead of 24; 128 KiB blocks saved memory (16 MB) but kept the
// threads waiting on each other more (1.1 s).
struct ParallelReadOptions {
  unsigned threads = 2;
  uint64_t chunk_bytes = uint64_t{512} << 10;  // of file text per chunk
  // Chunks read ahead of the one being merged, over all workers: bounds memory (each chunk's
  // formatted text is held until it is merged) while keeping every worker busy.
  size_t chunks_ahead = 6;
  size_t block_bytes = size_t{256} << 10;  // formatted text handed over at a time
  // Text blocks of one chunk waiting to be merged before its worker pauses (a chunk is a whole
  // compressed file or container log, which can be large).
  size_t blocks_per_chunk = 4;
};

// Makes the query's record filter; each worker gets its own (a -g matcher is not shared
// between threads). May return an empty filter: every record is shown.
using RecordFilterFactory = std::function<journal::RecordFilter()>;

class ParallelFileSource final : public EntrySource {
 public:
  // Throws std::invalid_argument for an unknown klog zone.
  ParallelFileSource(std::filesystem::path live, file::FileQueryOptions options,
                     FormatOptions format, RecordFilterFactory filters,
                     ParallelReadOptions parallel);
  ~ParallelFileSource() override;
  ParallelFileSource(const ParallelFileSource&) = delete;
  ParallelFileSource& operator=(const ParallelFileSource&) = delete;

  bool peek(int64_t& key) override;
  void take(std::string& out) override;
  size_t take_run(std::string& out, int64_t limit, bool inclusive, size_t max_bytes) override;
  bool finished() const override { return finished_; }
  void wait(uint64_t /*timeout_us*/) override {}

  const std::vector<file::RotatedFile>& files() const { return files_; }
  // Complete once finished().
  const file::FileQueryStats& stats() const { return stats_; }

 private:
  struct Entry {
    int64_t time_ns;
    uint32_t end;  // in Block::text, just past this entry's text
    uint32_t message_bytes;
    bool shown;  // false: filtered out, in the window only to keep its order
  };
  struct Block {
    std::string text;
    std::vector<Entry> entries;
    size_t in_window = 0;  // entries pushed into the window and not yet taken
    size_t pushed = 0;     // entries pushed into the window (or taken past it) so far
    bool in_order = true;  // no entry is earlier than the one before it
  };
  struct ChunkResult {
    std::deque<std::unique_ptr<Block>> blocks;  // ready to merge, in order
    bool done = false;
    // Set with done:
    uint64_t records = 0, bytes_read = 0, unwrap_failures = 0;
    bool file_read = false;
    bool past_until = false;
    int64_t last_time_ns = file::FileChunkReader::kUnknownTime;
    std::string problem;
  };
  struct Item {
    Block* block;
    uint32_t begin, end;
    bool shown;
  };

  void start();
  void work();
  void read_chunk(size_t chunk, file::FileChunkReader& reader, RecordFormatter& formatter,
                  const journal::RecordFilter& filter);
  int64_t time_before(size_t chunk, std::unique_lock<std::mutex>& lock);
  std::unique_ptr<Block> new_block();
  std::unique_ptr<Block> next_block();  // of the chunk being merged, in order; null at the end
  // Hands a block of `chunk` to the merge; false when reading should stop.
  bool publish(size_t chunk, std::unique_ptr<Block> block);
  bool push_next_entry();  // false when the input is exhausted
  bool start_direct(Block& b);
  void pop_item();
  void note_out(int64_t time_ns);
  void release_taken_blocks();
  size_t take_direct(std::string& out, int64_t limit, bool inclusive, size_t max_bytes);

  std::filesystem::path live_;
  file::FileQueryOptions opt_;
  FormatOptions format_;
  RecordFilterFactory filters_;
  ParallelReadOptions parallel_;
  std::string component_;
  std::vector<file::RotatedFile> files_;
  std::unique_ptr<file::FileQueryPlan> plan_;
  std::vector<std::thread> workers_;

  std::mutex mu_;
  std::condition_variable work_cv_;   // workers wait for room ahead or a finished predecessor
  std::condition_variable ready_cv_;  // the merge waits for text
  std::vector<ChunkResult> results_;  // by chunk index
  size_t next_chunk_ = 0;             // the next chunk a worker takes
  size_t merging_ = 0;                // the chunk the merge is at
  bool stop_ = false;
  std::vector<std::unique_ptr<Block>> spare_blocks_;  // keep their buffers

  // Merge side (the calling thread only).
  bool started_ = false;
  bool input_done_ = false;
  bool finished_ = false;
  // Blocks whose entries are being pushed into the window (the back) or are still in it.
  std::deque<std::unique_ptr<Block>> held_;
  file::ReorderWindow<Item> window_;
  // Entries [direct_next_, direct_end_) of direct_ leave in block order, after what the window
  // holds, without going through it: set for a block in time order that starts no earlier than
  // anything in the window, where the window would hand them out in that order anyway.
  Block* direct_ = nullptr;
  size_t direct_next_ = 0, direct_end_ = 0;
  int64_t last_out_ns_ = INT64_MIN;
  file::FileQueryStats stats_;
};

}  // namespace kj::cli
