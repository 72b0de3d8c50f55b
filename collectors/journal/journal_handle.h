// RAII owner of an sd_journal*: the only code in kjournal that calls sd-journal. Everything
// above it sees string_views into the current entry (valid until the read pointer moves)
// and negative errno values where the library reports them.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

typedef struct sd_journal sd_journal;

namespace kj::journal {

// Which journal to open, journalctl's source options.
struct JournalSource {
  enum class Kind { local, directory, files, ns, root };
  Kind kind = Kind::local;
  std::string path;                // directory (-D) or root (--root)
  std::vector<std::string> files;  // --file, already glob-expanded
  std::string ns;                  // --namespace
};

class JournalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "Bad message (EBADMSG)" for -74.
std::string errno_text(int negative_errno);

class JournalHandle {
 public:
  explicit JournalHandle(const JournalSource& source);  // throws JournalError
  ~JournalHandle();
  JournalHandle(const JournalHandle&) = delete;
  JournalHandle& operator=(const JournalHandle&) = delete;
  JournalHandle(JournalHandle&& o) noexcept : j_(o.j_) { o.j_ = nullptr; }
  JournalHandle& operator=(JournalHandle&& o) noexcept;

  // Matches, as sd_journal_add_match & co: same field ORs, different fields AND, a
  // disjunction/conjunction closes the current term. Throws on malformed matches.
  void add_match(std::string_view field_eq_value);
  void add_disjunction();
  void add_conjunction();
  // Every value the field takes in the open files ("_SYSTEMD_UNIT" -> "kubelet.service", ...).
  std::vector<std::string> unique_values(std::string_view field);

  // Navigation; return sd-journal's value (count moved, 0 at the end, negative errno).
  int next();
  int previous();
  int next_skip(uint64_t n);
  int previous_skip(uint64_t n);
  void seek_head();
  void seek_tail();
  void seek_realtime_us(uint64_t us);
  int seek_cursor(const std::string& cursor);
  bool test_cursor(const std::string& cursor);

  // Current entry.
  int realtime_us(uint64_t* us);
  int monotonic_us(uint64_t* us, std::string* boot_id);
  int cursor(std::string* out);
  void restart_data();
  // 1 with name/value set, 0 after the last field, negative errno on an unreadable field.
  int enumerate(std::string_view* name, std::string_view* value);
  // value only (without "FIELD="); negative errno, -ENOENT if the entry has no such field.
  int get(std::string_view field, std::string_view* value);

  // Follow support: wait up to timeout (µs) for changes; returns SD_JOURNAL_NOP/APPEND/
  // INVALIDATE (0/1/2) or negative errno. process() handles pending inotify events.
  int wait(uint64_t timeout_us);
  int process();
  int fd();

 private:
  sd_journal* j_ = nullptr;
};

}  // namespace kj::journal
