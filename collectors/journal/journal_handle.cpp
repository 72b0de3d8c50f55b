#include "collectors/journal/journal_handle.h"

#include <systemd/sd-journal.h>

#include <cerrno>
#include <cstring>

namespace kj::journal {

std::string errno_text(int negative_errno) {
  const int e = negative_errno < 0 ? -negative_errno : negative_errno;
  std::string s = strerror(e);
  if (const char* name = strerrorname_np(e)) {
    s += " (";
    s += name;
    s += ")";
  }
  return s;
}

JournalHandle::JournalHandle(const JournalSource& source) {
  int r = 0;
  switch (source.kind) {
    case JournalSource::Kind::local:
      r = sd_journal_open(&j_, SD_JOURNAL_LOCAL_ONLY);
      break;
    case JournalSource::Kind::directory:
      r = sd_journal_open_directory(&j_, source.path.c_str(), 0);
      break;
    case JournalSource::Kind::root:
      r = sd_journal_open_directory(&j_, source.path.c_str(), SD_JOURNAL_OS_ROOT);
      break;
    case JournalSource::Kind::ns:
      r = sd_journal_open_namespace(&j_, source.ns.c_str(), SD_JOURNAL_LOCAL_ONLY);
      break;
    case JournalSource::Kind::files: {
      std::vector<const char*> paths;
      for (const auto& f : source.files) paths.push_back(f.c_str());
      paths.push_back(nullptr);
      r = sd_journal_open_files(&j_, paths.data(), 0);
      break;
    }
  }
  if (r < 0) {
    j_ = nullptr;
    throw JournalError("cannot open journal: " + errno_text(r));
  }
  // Without this sd-journal truncates fields at 64 KiB; a 1 MiB kubelet line must survive.
  sd_journal_set_data_threshold(j_, 0);
}

JournalHandle::~JournalHandle() {
  if (j_) sd_journal_close(j_);
}

JournalHandle& JournalHandle::operator=(JournalHandle&& o) noexcept {
  if (this != &o) {
    if (j_) sd_journal_close(j_);
    j_ = o.j_;
    o.j_ = nullptr;
  }
  return *this;
}

void JournalHandle::add_match(std::string_view m) {
  const int r = sd_journal_add_match(j_, m.data(), m.size());
  if (r < 0)
    throw JournalError("invalid journal match \"" + std::string(m) + "\": " + errno_text(r));
}
void JournalHandle::add_disjunction() {
  sd_journal_add_disjunction(j_);
}
void JournalHandle::add_conjunction() {
  sd_journal_add_conjunction(j_);
}

std::vector<std::string> JournalHandle::unique_values(std::string_view field) {
  std::vector<std::string> out;
  const std::string f(field);
  if (sd_journal_query_unique(j_, f.c_str()) < 0) return out;
  const void* data;
  size_t len;
  while (sd_journal_enumerate_unique(j_, &data, &len) > 0) {
    std::string_view v(static_cast<const char*>(data), len);
    if (v.size() > f.size() && v[f.size()] == '=') out.emplace_back(v.substr(f.size() + 1));
  }
  sd_journal_restart_unique(j_);
  return out;
}

int JournalHandle::next() {
  return sd_journal_next(j_);
}
int JournalHandle::previous() {
  return sd_journal_previous(j_);
}
int JournalHandle::next_skip(uint64_t n) {
  return sd_journal_next_skip(j_, n);
}
int JournalHandle::previous_skip(uint64_t n) {
  return sd_journal_previous_skip(j_, n);
}
void JournalHandle::seek_head() {
  sd_journal_seek_head(j_);
}
void JournalHandle::seek_tail() {
  sd_journal_seek_tail(j_);
}
void JournalHandle::seek_realtime_us(uint64_t us) {
  sd_journal_seek_realtime_usec(j_, us);
}
int JournalHandle::seek_cursor(const std::string& c) {
  return sd_journal_seek_cursor(j_, c.c_str());
}
bool JournalHandle::test_cursor(const std::string& c) {
  return sd_journal_test_cursor(j_, c.c_str()) > 0;
}

int JournalHandle::realtime_us(uint64_t* us) {
  return sd_journal_get_realtime_usec(j_, us);
}

int JournalHandle::monotonic_us(uint64_t* us, std::string* boot_id) {
  sd_id128_t id;
  const int r = sd_journal_get_monotonic_usec(j_, us, &id);
  if (r >= 0 && boot_id) {
    char buf[SD_ID128_STRING_MAX];
    boot_id->assign(sd_id128_to_string(id, buf));
  }
  return r;
}

int JournalHandle::cursor(std::string* out) {
  char* c = nullptr;
  const int r = sd_journal_get_cursor(j_, &c);
  if (r >= 0) out->assign(c);
  free(c);
  return r;
}

void JournalHandle::restart_data() {
  sd_journal_restart_data(j_);
}

int JournalHandle::enumerate(std::string_view* name, std::string_view* value) {
  const void* data;
  size_t len;
  const int r = sd_journal_enumerate_data(j_, &data, &len);
  if (r <= 0) return r;
  const auto* p = static_cast<const char*>(data);
  const auto* eq = static_cast<const char*>(memchr(p, '=', len));
  if (!eq) {
    *name = std::string_view(p, len);
    *value = {};
  } else {
    *name = std::string_view(p, eq - p);
    *value = std::string_view(eq + 1, len - (eq - p) - 1);
  }
  return 1;
}

int JournalHandle::get(std::string_view field, std::string_view* value) {
  const std::string f(field);
  const void* data;
  size_t len;
  const int r = sd_journal_get_data(j_, f.c_str(), &data, &len);
  if (r < 0) return r;
  *value = std::string_view(static_cast<const char*>(data), len).substr(f.size() + 1);
  return 0;
}

int JournalHandle::wait(uint64_t timeout_us) {
  return sd_journal_wait(j_, timeout_us);
}
int JournalHandle::process() {
  return sd_journal_process(j_);
}
int JournalHandle::fd() {
  return sd_journal_get_fd(j_);
}

}  // namespace kj::journal
