#include "agent/pipeline.h"

#include <algorithm>

#include "agent/exporter_worker.h"

namespace kj::agent {

namespace {

int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Pipeline::Pipeline(PipelineOptions options, std::vector<std::unique_ptr<AgentSource>> sources,
                   std::vector<std::unique_ptr<exporters::Exporter>> exporters,
                   CheckpointStore& store, exporters::Logger log)
    : opt_(std::move(options)),
      sources_(std::move(sources)),
      exporters_(std::move(exporters)),
      store_(store),
      log_(std::move(log)),
      budget_(opt_.config.max_buffered_bytes),
      // A few spare vectors: enough to read on while a delivered batch's chunks come back,
      // few enough that the recycled records' memory stays small next to the budget (a
      // recycled Record holds more than estimate_record_bytes counts).
      recycler_(std::make_shared<RecordRecycler>(4)),
      acks_(sources_.size(), exporters_.size(), [this](size_t bytes) { budget_.release(bytes); }),
      next_sequence_(sources_.size(), 0),
      written_version_(sources_.size(), 0) {
  for (size_t i = 0; i < sources_.size(); ++i) {
    source_counters_.push_back(std::make_unique<SourceCounters>());
    source_running_.push_back(std::make_unique<std::atomic<bool>>(false));
  }
}

Pipeline::~Pipeline() {
  if (!source_threads_.empty() || !workers_.empty()) {
    abort_.request_stop();
    for (auto& t : source_threads_) t.request_stop();
    source_threads_.clear();
    workers_.clear();
  }
}

void Pipeline::start() {
  const bool exclusive = exporters_.size() == 1;
  for (size_t e = 0; e < exporters_.size(); ++e) {
    workers_.push_back(std::make_unique<ExporterWorker>(
        *exporters_[e], opt_.batch_for(e), exclusive,
        [this](size_t source, uint64_t seq) { acks_.ack(source, seq); },
        [this, e](double seconds) {
          if (batch_observer_) batch_observer_(e, seconds);
        }));
  }
  for (auto& w : workers_) w->start();
  for (size_t i = 0; i < sources_.size(); ++i) {
    source_running_[i]->store(true);
    source_counters_[i]->open = true;
    source_threads_.emplace_back([this, i](std::stop_token stop) { run_source(i, stop); });
  }
}

void Pipeline::run_source(size_t index, std::stop_token stop) {
  AgentSource& src = *sources_[index];
  SourceCounters& counters = *source_counters_[index];
  std::vector<Record> records = fresh_records();
  size_t count = 0;  // records[0, count) are read; the rest are recycled slots
  size_t bytes = 0;
  int64_t newest_ns = 0, first_steady = 0;
  bool gap_reported = false;
  try {
    while (!stop.stop_requested()) {
      // Read straight into the chunk's slot: a recycled Record keeps its strings' capacity.
      if (count == records.size()) records.emplace_back();
      Record& rec = records[count];
      rec.clear();
      if (!src.reader().next(rec)) {
        if (count > 0) seal(index, records, count, bytes, newest_ns);
        bytes = 0;
        if (src.reader().finished()) break;
        src.reader().wait(100'000);
        continue;
      }
      // The Kubernetes node name, not the journal's _HOSTNAME: they differ on many clouds,
      // and the node name is what users select by.
      if (!opt_.node.empty()) rec.node = opt_.node;
      src.observe(rec);
      if (!gap_reported && src.gap()) {
        gap_reported = true;
        const JournalGap& g = *src.gap();
        counters.gaps.fetch_add(1);
        if (g.estimated_lost > 0) counters.estimated_lost.fetch_add(g.estimated_lost);
        log_(exporters::LogLevel::warning,
             "source " + src.name() + ": the checkpoint entry " + g.checkpoint_cursor +
                 " is no longer in the journal (vacuumed); resumed at " + g.resumed_cursor +
                 (g.estimated_lost >= 0
                      ? "; an estimated " + std::to_string(g.estimated_lost) + " entries were lost"
                      : "; the number of lost entries is unknown"));
      }
      counters.records_read.fetch_add(1, std::memory_order_relaxed);
      counters.bytes_read.fetch_add(rec.message.size(), std::memory_order_relaxed);
      const int64_t now = steady_ns();
      counters.last_read_steady_ns.store(now, std::memory_order_relaxed);
      if (count == 0) first_steady = now;
      newest_ns = std::max(newest_ns, rec.time_ns);
      bytes += estimate_record_bytes(rec);
      ++count;
      if (count >= opt_.chunk_records || bytes >= opt_.chunk_bytes ||
          now - first_steady >= std::chrono::nanoseconds(opt_.chunk_linger).count()) {
        seal(index, records, count, bytes, newest_ns);
        bytes = 0;
      }
    }
    // Hand over what was read, so a graceful stop delivers it instead of re-reading it later.
    if (count > 0) seal(index, records, count, bytes, newest_ns);
  } catch (const std::exception& e) {
    counters.read_errors.fetch_add(1);
    log_(exporters::LogLevel::error, "source " + src.name() + " stopped: " + e.what());
  }
  source_running_[index]->store(false);
  counters.open = false;
  {
    std::lock_guard lock(exit_mutex_);
    ++sources_exited_;
  }
  exit_cv_.notify_all();
}

std::vector<Record> Pipeline::fresh_records() {
  auto records = recycler_->take();
  records.reserve(opt_.chunk_records);
  return records;
}

void Pipeline::seal(size_t index, std::vector<Record>& records, size_t& count, size_t bytes,
                    int64_t newest_ns) {
  // The chunk's records go back to the recycler when its last holder lets go of it.
  std::shared_ptr<RecordChunk> chunk(new RecordChunk, [recycler = recycler_](RecordChunk* c) {
    recycler->give(std::move(c->records));
    delete c;
  });
  chunk->source_index = index;
  records.resize(count);
  chunk->records = std::move(records);
  records = fresh_records();
  count = 0;
  chunk->position = sources_[index]->position();
  chunk->bytes = bytes;
  chunk->sealed_ns = steady_ns();
  // Blocks while the exporters are behind: this is where reading stops.
  if (!budget_.acquire(bytes, abort_.get_token())) return;  // shutting down: re-read later
  chunk->sequence = ++next_sequence_[index];
  acks_.add(index, chunk->sequence, chunk->position, bytes, newest_ns, chunk->sealed_ns);
  for (auto& w : workers_) w->push(chunk);
}

bool Pipeline::stop(std::chrono::steady_clock::time_point deadline) {
  for (auto& t : source_threads_) t.request_stop();
  bool in_time = true;
  {
    std::unique_lock lock(exit_mutex_);
    if (!exit_cv_.wait_until(lock, deadline, [&] { return sources_exited_ == sources_.size(); })) {
      in_time = false;
      abort_.request_stop();
    }
  }
  source_threads_.clear();  // joins
  for (auto& w : workers_) w->close();
  for (auto& w : workers_) {
    if (!w->join_until(deadline)) in_time = false;
  }
  if (!in_time) {
    abort_.request_stop();
    for (auto& w : workers_) w->abort();
    log_(exporters::LogLevel::warning,
         "stop deadline reached with batches still in flight: they will be sent again after "
         "the restart");
  }
  workers_.clear();  // joins
  write_checkpoints();
  return in_time;
}

void Pipeline::write_checkpoints() {
  std::lock_guard lock(checkpoint_mutex_);
  for (size_t i = 0; i < sources_.size(); ++i) {
    const auto c = acks_.committed(i);
    if (!c || c->version == written_version_[i]) continue;
    try {
      store_.save(sources_[i]->name(), c->position);
      written_version_[i] = c->version;
    } catch (const std::exception& e) {
      checkpoint_write_errors_.fetch_add(1);
      log_(exporters::LogLevel::error, std::string("cannot write checkpoint: ") + e.what());
    }
  }
}

double Pipeline::checkpoint_lag_seconds(size_t source) const {
  const int64_t sealed = acks_.oldest_pending_sealed_ns(source);
  if (sealed == 0) return 0;
  return static_cast<double>(steady_ns() - sealed) / 1e9;
}

bool Pipeline::sources_alive() const {
  for (const auto& r : source_running_)
    if (!r->load()) return false;
  return true;
}

}  // namespace kj::agent
