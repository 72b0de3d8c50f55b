// The log-file side of open_agent_source(): the follow-mode FileTailer, resumed at the
// checkpointed (identity, offset) of each file.
#include <memory>
#include <stdexcept>

#include "agent/agent_source.h"
#include "collectors/file/file_tailer.h"

namespace kj::agent {

namespace {

class FileAgentSource final : public AgentSource {
 public:
  FileAgentSource(const config::SourceConfig& cfg, const CheckpointStore::LoadResult& cp)
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

  RecordSource& reader() override { return *tailer_; }
  void observe(const Record&) override {}
  Checkpoint position() override {
    Checkpoint c;
    c.files = tailer_->positions();
    return c;
  }

 private:
  std::unique_ptr<file::FileTailer> tailer_;
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
  return std::make_unique<FileAgentSource>(cfg, cp);
}

}  // namespace kj::agent
