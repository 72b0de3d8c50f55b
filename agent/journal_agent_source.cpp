// The journal side of open_agent_source(): the same JournalReader the CLI uses, in follow
// mode, resumed after the checkpoint cursor.
#include <memory>
#include <stdexcept>

#include "agent/agent_source.h"
#include "collectors/journal/journal_reader.h"
#include "core/time_spec.h"

namespace kj::agent {

bool parse_cursor_seqnum(const std::string& cursor, std::string& seqnum_id, uint64_t& seqnum) {
  bool have_s = false, have_i = false;
  size_t start = 0;
  while (start < cursor.size()) {
    size_t end = cursor.find(';', start);
    if (end == std::string::npos) end = cursor.size();
    const std::string_view part(cursor.data() + start, end - start);
    if (part.starts_with("s=")) {
      seqnum_id = std::string(part.substr(2));
      have_s = true;
    } else if (part.starts_with("i=")) {
      try {
        size_t used = 0;
        seqnum = std::stoull(std::string(part.substr(2)), &used, 16);
        have_i = used == part.size() - 2;
      } catch (const std::exception&) {
        return false;
      }
    }
    start = end + 1;
  }
  return have_s && have_i;
}

namespace {

class JournalAgentSource final : public AgentSource {
 public:
  JournalAgentSource(const config::SourceConfig& cfg, const CheckpointStore::LoadResult& cp,
                     const SourceOpenOptions& opt)
      : AgentSource(cfg.name) {
    const auto& jc = cfg.journal;
    journal::JournalQuery q;
    if (!jc.namespace_name.empty()) {
      q.source.kind = journal::JournalSource::Kind::ns;
      q.source.ns = jc.namespace_name;
    } else if (!jc.directory.empty()) {
      q.source.kind = journal::JournalSource::Kind::directory;
      q.source.path = jc.directory;
    } else if (!jc.root.empty()) {
      q.source.kind = journal::JournalSource::Kind::root;
      q.source.path = jc.root;
    }
    q.units = jc.units;
    q.matches = jc.matches;
    q.all = jc.all;
    q.follow = true;
    q.want_cursor = true;
    q.parse_messages = true;
    q.keep_journal_fields = opt.keep_journal_fields;
    if (cp.status == CheckpointStore::LoadStatus::loaded && !cp.checkpoint.journal_cursor.empty()) {
      checkpoint_cursor_ = cp.checkpoint.journal_cursor;
      q.after_cursor = checkpoint_cursor_;
      notes_.push_back("resuming after checkpoint cursor " + checkpoint_cursor_);
    } else {
      switch (jc.start_at.kind) {
        case config::StartAt::Kind::end:
          q.lines = 0;
          notes_.push_back("no checkpoint: starting at the end of the journal");
          break;
        case config::StartAt::Kind::beginning:
          notes_.push_back("no checkpoint: starting at the beginning of the journal");
          break;
        case config::StartAt::Kind::time:
          q.since_us = parse_time_spec(jc.start_at.time_spec, opt.now_us);
          notes_.push_back("no checkpoint: starting at " + jc.start_at.time_spec);
          break;
      }
    }
    try {
      reader_ = std::make_unique<journal::JournalReader>(std::move(q), nullptr);
    } catch (const std::exception& e) {
      throw std::runtime_error("source " + cfg.name + ": " + e.what());
    }
    for (const auto& p : reader_->inventory().problems)
      notes_.push_back("cannot read " + p.path + ": " + p.reason);
    unreadable_ = reader_->inventory().unreadable_files;
  }

  RecordSource& reader() override { return *reader_; }

  void observe(const Record& r) override {
    if (!checked_gap_) {
      checked_gap_ = true;
      if (!checkpoint_cursor_.empty() && !reader_->after_cursor_found()) {
        gap_.checkpoint_cursor = checkpoint_cursor_;
        gap_.resumed_cursor = r.position.cursor;
        std::string id_a, id_b;
        uint64_t a = 0, b = 0;
        if (parse_cursor_seqnum(checkpoint_cursor_, id_a, a) &&
            parse_cursor_seqnum(r.position.cursor, id_b, b) && id_a == id_b && b > a)
          gap_.estimated_lost = static_cast<int64_t>(b - a - 1);
        have_gap_ = true;
      }
    }
    last_cursor_ = r.position.cursor;
  }

  Checkpoint position() override {
    Checkpoint c;
    c.journal_cursor = last_cursor_.empty() ? checkpoint_cursor_ : last_cursor_;
    return c;
  }

  const JournalGap* gap() const override { return have_gap_ ? &gap_ : nullptr; }
  uint64_t unreadable_files() const override { return unreadable_; }

 private:
  std::unique_ptr<journal::JournalReader> reader_;
  std::string checkpoint_cursor_;
  std::string last_cursor_;
  bool checked_gap_ = false;
  bool have_gap_ = false;
  JournalGap gap_;
  uint64_t unreadable_ = 0;
};

}  // namespace

std::unique_ptr<AgentSource> make_journal_agent_source(const config::SourceConfig& cfg,
                                                       const CheckpointStore::LoadResult& cp,
                                                       const SourceOpenOptions& opt) {
  return std::make_unique<JournalAgentSource>(cfg, cp, opt);
}

}  // namespace kj::agent
