#include "cli/parallel_file_source.h"

#include <algorithm>
#include <utility>

namespace kj::cli {
namespace {

// A block also ends after this many entries, so a chunk of tiny records still hands over
// text in steps.
constexpr size_t kMaxBlockEntries = 16384;

}  // namespace

ParallelFileSource::ParallelFileSource(std::filesystem::path live, file::FileQueryOptions options,
                                       FormatOptions format, RecordFilterFactory filters,
                                       ParallelReadOptions parallel)
    : live_(std::move(live)),
      opt_(std::move(options)),
      format_(std::move(format)),
      filters_(std::move(filters)),
      parallel_(parallel),
      component_(file::component_from_path(live_.string())),
      files_(file::files_to_query(live_, opt_.include_rotated)),
      window_(opt_.reorder_records, opt_.reorder_bytes) {
  parallel_.threads = std::max(1u, parallel_.threads);
  parallel_.chunks_ahead = std::max<size_t>(parallel_.chunks_ahead, parallel_.threads);
  parallel_.blocks_per_chunk = std::max<size_t>(parallel_.blocks_per_chunk, 1);
  KlogTimeResolver zone_check(opt_.klog_zone);  // an unknown zone fails here, not in a worker
}

ParallelFileSource::~ParallelFileSource() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  work_cv_.notify_all();
  ready_cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void ParallelFileSource::start() {
  started_ = true;
  KlogTimeResolver klog_time(opt_.klog_zone);
  plan_ = std::make_unique<file::FileQueryPlan>(files_, opt_, klog_time, parallel_.chunk_bytes);
  stats_.files_skipped = plan_->files_skipped();
  stats_.bytes_skipped = plan_->bytes_skipped();
  results_ = std::vector<ChunkResult>(plan_->chunks().size());  // built in place: never moved
  const size_t n = std::min<size_t>(parallel_.threads, results_.size());
  for (size_t i = 0; i < n; ++i) workers_.emplace_back([this] { work(); });
}

void ParallelFileSource::work() {
  file::FileChunkReader reader(opt_, component_, true);
  RecordFormatter formatter(format_);
  const journal::RecordFilter filter = filters_ ? filters_() : journal::RecordFilter{};
  for (;;) {
    size_t chunk;
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, [&] {
        return stop_ || next_chunk_ >= results_.size() ||
               next_chunk_ < merging_ + parallel_.chunks_ahead;
      });
      if (stop_ || next_chunk_ >= results_.size()) return;
      chunk = next_chunk_++;
    }
    try {
      read_chunk(chunk, reader, formatter, filter);
    } catch (const std::exception& e) {
      // Out of memory and the like: the chunk ends here, and the output says so.
      std::lock_guard lock(mu_);
      ChunkResult& r = results_[chunk];
      r.problem = plan_->files()[plan_->chunks()[chunk].file].path_text + ": " + e.what();
      r.done = true;
      ready_cv_.notify_all();
      work_cv_.notify_all();
    }
  }
}

std::unique_ptr<ParallelFileSource::Block> ParallelFileSource::new_block() {
  {
    std::lock_guard lock(mu_);
    if (!spare_blocks_.empty()) {
      auto b = std::move(spare_blocks_.back());
      spare_blocks_.pop_back();
      b->text.clear();
      b->entries.clear();
      b->in_window = b->pushed = 0;
      b->in_order = true;
      return b;
    }
  }
  auto b = std::make_unique<Block>();
  b->text.reserve(parallel_.block_bytes + parallel_.block_bytes / 4);
  return b;
}

bool ParallelFileSource::publish(size_t chunk, std::unique_ptr<Block> block) {
  std::unique_lock lock(mu_);
  ChunkResult& r = results_[chunk];
  r.blocks.push_back(std::move(block));
  ready_cv_.notify_all();
  work_cv_.wait(lock, [&] { return stop_ || r.blocks.size() < parallel_.blocks_per_chunk; });
  return !stop_;
}

int64_t ParallelFileSource::time_before(size_t chunk, std::unique_lock<std::mutex>& lock) {
  work_cv_.wait(lock, [&] {
    return stop_ || std::all_of(results_.begin(), results_.begin() + static_cast<ptrdiff_t>(chunk),
                                [](const ChunkResult& r) { return r.done; });
  });
  for (size_t i = chunk; i-- > 0;)
    if (results_[i].last_time_ns != file::FileChunkReader::kUnknownTime)
      return results_[i].last_time_ns;
  return file::kNoTime;
}

void ParallelFileSource::read_chunk(size_t chunk, file::FileChunkReader& reader,
                                    RecordFormatter& formatter,
                                    const journal::RecordFilter& filter) {
  // The time before a chunk matters only to a file whose first records carry no time of their
  // own; it is known only once the chunks before are read, so it is waited for only then.
  int64_t before = chunk == 0 ? file::kNoTime : file::FileChunkReader::kUnknownTime;
  Record rec;
  for (;;) {
    reader.start(*plan_, chunk, before);
    auto block = new_block();
    while (reader.next(rec)) {
      const bool shown = !filter || filter(rec);
      if (shown) formatter.append(block->text, rec);
      if (!block->entries.empty() && rec.time_ns < block->entries.back().time_ns)
        block->in_order = false;
      block->entries.push_back({rec.time_ns, static_cast<uint32_t>(block->text.size()),
                                static_cast<uint32_t>(rec.message.size()), shown});
      if (block->text.size() >= parallel_.block_bytes ||
          block->entries.size() >= kMaxBlockEntries) {
        if (!publish(chunk, std::move(block))) return;
        block = new_block();
      }
    }
    std::unique_lock lock(mu_);
    if (reader.needs_previous_time()) {  // at its first record: nothing was handed over
      spare_blocks_.push_back(std::move(block));
      before = time_before(chunk, lock);
      if (stop_) return;
      continue;
    }
    ChunkResult& r = results_[chunk];
    if (block->entries.empty()) {
      spare_blocks_.push_back(std::move(block));
    } else {
      r.blocks.push_back(std::move(block));
    }
    r.records = reader.records();
    r.bytes_read = reader.bytes_read();
    r.unwrap_failures = reader.unwrap_failures();
    r.file_read = reader.file_read();
    r.past_until = reader.past_until();
    r.last_time_ns = reader.last_time_ns();
    r.problem = reader.problem();
    r.done = true;
    ready_cv_.notify_all();
    work_cv_.notify_all();  // a worker may wait for this chunk's last time
    return;
  }
}

std::unique_ptr<ParallelFileSource::Block> ParallelFileSource::next_block() {
  std::unique_lock lock(mu_);
  for (;;) {
    if (stop_ || merging_ >= results_.size()) return nullptr;
    ChunkResult& r = results_[merging_];
    if (!r.blocks.empty()) {
      auto b = std::move(r.blocks.front());
      r.blocks.pop_front();
      work_cv_.notify_all();
      return b;
    }
    if (!r.done) {
      ready_cv_.wait(lock);
      continue;
    }
    stats_.records += r.records;
    stats_.bytes_read += r.bytes_read;
    stats_.unwrap_failures += r.unwrap_failures;
    if (r.file_read) ++stats_.files_read;
    if (!r.problem.empty()) stats_.problems.push_back(r.problem);
    ++merging_;
    // Past `until` for good: the chunks after this one are not needed.
    if (r.past_until) stop_ = true;
    work_cv_.notify_all();
  }
}

bool ParallelFileSource::push_next_entry() {
  Block* b = held_.empty() ? nullptr : held_.back().get();
  if (!b || b->pushed == b->entries.size()) {
    auto next = next_block();
    if (!next) return false;
    held_.push_back(std::move(next));
    b = held_.back().get();
    if (start_direct(*b)) return true;
  }
  const Entry& e = b->entries[b->pushed];
  const uint32_t begin = b->pushed == 0 ? 0 : b->entries[b->pushed - 1].end;
  window_.push(e.time_ns, e.message_bytes, Item{b, begin, e.end, e.shown});
  ++b->pushed;
  ++b->in_window;
  return true;
}

bool ParallelFileSource::start_direct(Block& b) {
  if (!b.in_order || b.entries.empty() || !window_.nothing_after(b.entries.front().time_ns))
    return false;
  // Pushed one by one, the block's entries would leave the window in order as later ones come
  // in, until only its longest tail within the window's limits is left: all but that tail can
  // go straight out, once the window has handed out what it holds now.
  size_t tail = b.entries.size(), bytes = 0;
  while (tail > 0 &&
         window_.fits(b.entries.size() - tail + 1, bytes + b.entries[tail - 1].message_bytes)) {
    bytes += b.entries[--tail].message_bytes;
  }
  if (tail == 0) return false;
  direct_ = &b;
  direct_next_ = 0;
  direct_end_ = tail;
  b.pushed = tail;
  return true;
}

void ParallelFileSource::note_out(int64_t time_ns) {
  if (time_ns < last_out_ns_) {
    ++stats_.out_of_order;
  } else {
    last_out_ns_ = time_ns;
  }
}

void ParallelFileSource::release_taken_blocks() {
  // Blocks leave in order once all their entries have been pushed and taken; a later one that
  // empties first waits behind the front (the window holds few entries, so not for long).
  while (!held_.empty() && held_.front()->in_window == 0 &&
         held_.front()->pushed == held_.front()->entries.size() && held_.front().get() != direct_) {
    std::lock_guard lock(mu_);
    spare_blocks_.push_back(std::move(held_.front()));
    held_.pop_front();
  }
}

void ParallelFileSource::pop_item() {
  const auto& item = window_.front();
  note_out(item.time_ns);
  Block* b = item.value.block;
  window_.pop();
  --b->in_window;
  release_taken_blocks();
}

bool ParallelFileSource::peek(int64_t& key) {
  if (!started_) start();
  for (;;) {
    if (direct_ && window_.empty()) {
      while (direct_next_ < direct_end_ && !direct_->entries[direct_next_].shown)
        note_out(direct_->entries[direct_next_++].time_ns);  // filtered out
      if (direct_next_ < direct_end_) {
        key = direct_->entries[direct_next_].time_ns;
        return true;
      }
      direct_ = nullptr;
      release_taken_blocks();
      continue;
    }
    if (!window_.empty() && (direct_ || input_done_ || window_.over_limit())) {
      const auto& item = window_.front();
      if (item.value.shown) {
        key = item.time_ns;
        return true;
      }
      pop_item();  // filtered out: it only kept its place in the window
      continue;
    }
    if (input_done_) {
      finished_ = true;
      return false;
    }
    if (!push_next_entry()) input_done_ = true;
  }
}

void ParallelFileSource::take(std::string& out) {
  if (direct_ && window_.empty()) {
    const auto& es = direct_->entries;
    const uint32_t begin = direct_next_ == 0 ? 0 : es[direct_next_ - 1].end;
    out.append(direct_->text, begin, es[direct_next_].end - begin);
    note_out(es[direct_next_++].time_ns);
    return;
  }
  const auto& item = window_.front();
  out.append(item.value.block->text, item.value.begin, item.value.end - item.value.begin);
  pop_item();
}

size_t ParallelFileSource::take_direct(std::string& out, int64_t limit, bool inclusive,
                                       size_t max_bytes) {
  // The entry peek() made ready is taken in any case; the text of a run of entries is one
  // piece of the block (a filtered entry has none).
  const auto& es = direct_->entries;
  const uint32_t begin = direct_next_ == 0 ? 0 : es[direct_next_ - 1].end;
  uint32_t end = begin;
  size_t n = 0, i = direct_next_;
  for (; i < direct_end_; ++i) {
    const Entry& e = es[i];
    if (e.shown) {
      if (n > 0 &&
          (out.size() + (end - begin) >= max_bytes || !in_run(e.time_ns, limit, inclusive))) {
        break;
      }
      end = e.end;
      ++n;
    }
    note_out(e.time_ns);
  }
  out.append(direct_->text, begin, end - begin);
  direct_next_ = i;
  return n;
}

size_t ParallelFileSource::take_run(std::string& out, int64_t limit, bool inclusive,
                                    size_t max_bytes) {
  size_t n = 0;
  for (;;) {
    if (n > 0) {
      int64_t key;
      if (out.size() >= max_bytes || !peek(key) || !in_run(key, limit, inclusive)) return n;
    }
    if (direct_ && window_.empty()) {
      n += take_direct(out, limit, inclusive, max_bytes);
    } else {
      take(out);
      ++n;
    }
  }
}

}  // namespace kj::cli
