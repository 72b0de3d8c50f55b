#include "collectors/file/file_query_reader.h"

#include <utility>

namespace kj::file {
namespace {

// Hands a buffered record to the caller: the per-record strings are swapped (both sides keep
// their buffers for reuse), the per-file ones are set only when they differ from what `out`
// holds, which in a run of records from one file they do not. Every member of Record must be
// handled here: the size checks make a new member fail to compile until it is.
void deliver(Record& out, Record& slot, const std::string& path, const std::string& component) {
  out.time_ns = slot.time_ns;
  out.observed_time_ns = slot.observed_time_ns;
  out.severity = slot.severity;
  out.level_raw.swap(slot.level_raw);
  out.message.swap(slot.message);
  if (out.component != component) out.component = component;
  out.unit.clear();
  out.node.clear();
  out.identifier.clear();
  out.pid = slot.pid;
  out.caller.swap(slot.caller);
  out.attributes.swap(slot.attributes);
  if (out.source != path) out.source = path;
  out.position.cursor.swap(slot.position.cursor);
  if (out.position.file != path) out.position.file = path;
  out.position.device = slot.position.device;
  out.position.inode = slot.position.inode;
  out.position.offset = slot.position.offset;
  out.journal_fields.clear();  // journal entries only
}
static_assert(sizeof(Position) == 2 * sizeof(std::string) + 3 * sizeof(uint64_t),
              "Position changed: update deliver()");
// time_ns, observed_time_ns, pid and the (padded) severity; eight strings.
static_assert(sizeof(Record) == 4 * sizeof(int64_t) + 8 * sizeof(std::string) +
                                    sizeof(Record::attributes) + sizeof(Position) +
                                    sizeof(Record::journal_fields),
              "Record changed: update deliver()");

}  // namespace

FileQueryReader::FileQueryReader(std::filesystem::path live, FileQueryOptions options)
    : opt_(std::move(options)),
      component_(component_from_path(live.string())),
      chunk_reader_(opt_, component_, false),
      files_(files_to_query(live, opt_.include_rotated)),
      window_(opt_.reorder_records, opt_.reorder_bytes) {
  pool_.reserve(opt_.reorder_records + 1);
}

bool FileQueryReader::read_one() {
  if (!plan_) {
    plan_ = std::make_unique<FileQueryPlan>(files_, opt_, chunk_reader_.decoder().klog_time(), 0);
    stats_.files_skipped = plan_->files_skipped();
    stats_.bytes_skipped = plan_->bytes_skipped();
  }
  for (;;) {
    if (!chunk_open_) {
      if (next_chunk_ == plan_->chunks().size()) {
        input_done_ = true;
        return false;
      }
      chunk_reader_.start(*plan_, next_chunk_++, last_time_ns_);
      chunk_open_ = true;
    }
    size_t slot;
    if (free_.empty()) {
      slot = pool_.size();
      pool_.emplace_back();
    } else {
      slot = free_.back();
      free_.pop_back();
    }
    Record& r = pool_[slot];
    if (chunk_reader_.next(r)) {
      last_time_ns_ = chunk_reader_.last_time_ns();
      window_.push(r.time_ns, r.message.size(), Slot{slot, plan_->chunks()[next_chunk_ - 1].file});
      return true;
    }
    free_.push_back(slot);
    chunk_open_ = false;
    last_time_ns_ = chunk_reader_.last_time_ns();
    stats_.records += chunk_reader_.records();
    stats_.bytes_read += chunk_reader_.bytes_read();
    stats_.unwrap_failures += chunk_reader_.unwrap_failures();
    if (chunk_reader_.file_read()) ++stats_.files_read;
    if (!chunk_reader_.problem().empty()) stats_.problems.push_back(chunk_reader_.problem());
    if (chunk_reader_.past_until()) next_chunk_ = plan_->chunks().size();
  }
}

bool FileQueryReader::next(Record& out) {
  for (;;) {
    if (!window_.empty() && (input_done_ || window_.over_limit())) {
      const auto& item = window_.front();
      deliver(out, pool_[item.value.record], plan_->files()[item.value.file].path_text, component_);
      free_.push_back(item.value.record);
      window_.pop();
      if (out.time_ns < last_out_ns_) {
        ++stats_.out_of_order;
      } else {
        last_out_ns_ = out.time_ns;
      }
      return true;
    }
    if (input_done_) {
      finished_ = true;
      return false;
    }
    read_one();
  }
}

}  // namespace kj::file
