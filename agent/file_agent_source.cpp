// The log-file side of open_agent_source(): the follow-mode FileTailer, resumed at the
// checkpointed (identity, offset) of each file.
#include <memory>
#include <stdexcept>

#include "agent/agent_source.h"
#include "collectors/file/file_tailer.h"
#include "core/time_spec.h"

namespace kj::agent {

namespace {

// With `start_at: <time>` and no checkpoint, files are read from their beginning and the
// records before that time are skipped (their positions still advance, so a restart does
// not read them again).
class FileAgentSource final : public AgentSource, private RecordSource {
 public:
  FileAgentSource(const config::SourceConfig& cfg, const CheckpointStore::LoadResult& cp,
                  const SourceOpenOptions& sopt)
      : AgentSource(cfg.name) {
    const auto& fc = cfg.file;
    file::FileTailOptions opt;
    opt.globs = fc.paths;
    opt.klog_zone = fc.timezone;
    opt.max_record_bytes = fc.max_record_bytes;
    opt.start_at_end = fc.start_at.kind != config::StartAt::Kind::beginning;
    if (cp.status == CheckpointStore::LoadStatus::loaded) {
      opt.positions = cp.checkpoint.files;
      // Files the checkpoint does not know appeared while the agent was down: read them whole.
      opt.start_at_end = false;
      notes_.push_back("resuming " + std::to_string(opt.positions.size()) +
                       " file position(s) from the checkpoint");
    } else if (fc.start_at.kind == config::StartAt::Kind::time) {
      opt.start_at_end = false;
      since_ns_ = parse_time_spec(fc.start_at.time_spec, sopt.now_us) * 1000;
      notes_.push_back("no checkpoint: files are read from records at or after " +
                       fc.start_at.time_spec);
    } else {
      notes_.push_back(opt.start_at_end ? "no checkpoint: files are read from their end"
                                        : "no checkpoint: files are read from their beginning");
    }
    try {
      tailer_ = std::make_unique<file::FileTailer>(std::move(opt));
    } catch (const std::exception& e) {
      throw std::runtime_error("source " + cfg.name + ": " + e.what());
    }
  }

  RecordSource& reader() override {
    if (since_ns_) return *this;
    return *tailer_;
  }
  void observe(const Record&) override {}
  Checkpoint position() override {
    Checkpoint c;
    c.files = tailer_->positions();
    return c;
  }

 private:
  bool next(Record& out) override {
    while (tailer_->next(out))
      if (out.time_ns >= since_ns_) return true;
    return false;
  }
  bool finished() const override { return tailer_->finished(); }
  void wait(uint64_t timeout_us) override { tailer_->wait(timeout_us); }

  std::unique_ptr<file::FileTailer> tailer_;
  int64_t since_ns_ = 0;
};

}  // namespace

std::unique_ptr<AgentSource> make_journal_agent_source(const config::SourceConfig& cfg,
                                                       const CheckpointStore::LoadResult& cp,
                                                       const SourceOpenOptions& opt);

std::unique_ptr<AgentSource> open_agent_source(const config::SourceConfig& cfg,
                                               const CheckpointStore::LoadResult& cp,
                                               const SourceOpenOptions& opt) {
  if (cfg.type == config::SourceConfig::Type::journal)
    return make_journal_agent_source(cfg, cp, opt);
  return std::make_unique<FileAgentSource>(cfg, cp, opt);
}

}  // namespace kj::agent
