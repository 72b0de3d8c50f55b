#include "collectors/journal/journal_reader.h"

#include <fnmatch.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <set>

#include "core/component.h"
#include "core/klog_parser.h"
#include "core/logrus_parser.h"
#include "core/message_level.h"
#include "core/time_format.h"

namespace kj::journal {
namespace {

// journalctl's unit types: a name ending in one of these is already a unit name.
constexpr std::string_view kUnitSuffixes[] = {".service", ".socket",    ".target", ".device",
                                              ".mount",   ".automount", ".swap",   ".timer",
                                              ".path",    ".slice",     ".scope"};

bool is_glob(std::string_view s) {
  return s.find_first_of("*?[") != std::string_view::npos;
}

int64_t parse_int(std::string_view s, int64_t fallback) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return (ec == std::errc() && p == s.data() + s.size()) ? v : fallback;
}

std::string join_problems(const JournalInventory& inv) {
  std::string s;
  for (const auto& p : inv.problems) s += "\n  " + p.path + ": " + p.reason;
  return s;
}

}  // namespace

std::string mangle_unit_name(const std::string& name) {
  if (is_glob(name)) return name;
  for (auto suffix : kUnitSuffixes)
    if (name.size() > suffix.size() && name.ends_with(suffix)) return name;
  return name + ".service";
}

JournalReader::JournalReader(JournalQuery query, RecordFilter filter)
    : q_(std::move(query)), filter_(std::move(filter)) {
  if (q_.follow) q_.want_cursor = true;  // recovery after rotation/vacuum reseeks by cursor
  // -n, -r and cursors read from the end or any point: only a time window narrows the walk.
  const bool windowed = !q_.lines && !q_.reverse && !q_.after_cursor;
  inventory_ = inspect_journal_files(q_.source, windowed ? q_.since_us : std::nullopt,
                                     windowed ? q_.until_us : std::nullopt);
  if (inventory_.files.empty()) {
    std::string where;
    for (const auto& d : inventory_.searched) where += (where.empty() ? "" : ", ") + d;
    throw JournalError("no journal files found (searched " +
                       (where.empty() ? std::string("nothing") : where) + ")" +
                       join_problems(inventory_));
  }
  if (inventory_.readable() == 0)
    throw JournalError("none of the " + std::to_string(inventory_.files.size()) +
                       " journal files can be read:" + join_problems(inventory_));
  j_.emplace(q_.source);
  if (q_.follow) j_->fd();  // allocates the inotify watch now, so the first wait() waits
  add_filters();
  position();
}

void JournalReader::add_unit_matches(const std::string& unit) {
  // The same four terms as `journalctl -u`: the unit's own messages, its coredumps, PID 1's
  // messages about it, and messages of privileged daemons about it.
  j_->add_match("_SYSTEMD_UNIT=" + unit);
  j_->add_disjunction();
  j_->add_match("MESSAGE_ID=fc2e22bc6ee647b6b90729ab34a250b1");
  j_->add_match("_UID=0");
  j_->add_match("COREDUMP_UNIT=" + unit);
  j_->add_disjunction();
  j_->add_match("_PID=1");
  j_->add_match("UNIT=" + unit);
  j_->add_disjunction();
  j_->add_match("_UID=0");
  j_->add_match("OBJECT_SYSTEMD_UNIT=" + unit);
  j_->add_disjunction();
}

void JournalReader::add_filters() {
  add_unit_filters();
  if (q_.matches.empty()) return;
  for (const auto& m : q_.matches) j_->add_match(m);
  j_->add_conjunction();
}

void JournalReader::add_unit_filters() {
  if (!q_.units.empty()) {
    std::vector<std::string> patterns;
    size_t count = 0;
    for (const auto& u : q_.units) {
      std::string m = mangle_unit_name(u);
      if (is_glob(m)) {
        patterns.push_back(std::move(m));
      } else {
        add_unit_matches(m);
        ++count;
      }
    }
    if (!patterns.empty()) {
      std::set<std::string> units;
      for (auto field : {"_SYSTEMD_UNIT", "COREDUMP_UNIT", "UNIT", "OBJECT_SYSTEMD_UNIT"})
        for (auto& v : j_->unique_values(field))
          for (const auto& p : patterns)
            if (fnmatch(p.c_str(), v.c_str(), FNM_NOESCAPE) == 0) units.insert(v);
      for (const auto& u : units) {
        add_unit_matches(u);
        ++count;
      }
    }
    // Without any match sd-journal would return everything; a glob that matches no unit
    // must show nothing instead.
    if (count == 0) no_match_ = finished_ = true;
    j_->add_conjunction();
    return;
  }
  if (q_.all && q_.components.empty()) return;
  std::vector<std::string> names(q_.components.begin(), q_.components.end());
  if (names.empty())
    for (auto c : kKubernetesComponents) names.emplace_back(c);
  for (const auto& n : names) {
    add_unit_matches(n + ".service");
    j_->add_match("SYSLOG_IDENTIFIER=" + n);
    j_->add_disjunction();
  }
  j_->add_conjunction();
}

int JournalReader::back_matching(uint64_t n) {
  // journalctl steps back n raw entries; with a post-filter that would show fewer than n,
  // so count only entries the filter accepts.
  if (!filter_) return j_->previous_skip(n);
  uint64_t found = 0;
  int moved = 0;
  while (found < n) {
    const int r = j_->previous();
    if (r < 0) return r;
    if (r == 0) break;
    ++moved;
    uint64_t rt = 0;
    j_->realtime_us(&rt);
    if (q_.since_us && static_cast<int64_t>(rt) < *q_.since_us) break;
    fill(scratch_, static_cast<int64_t>(rt));
    if (filter_(scratch_)) ++found;
  }
  return moved;
}

void JournalReader::position() {
  if (finished_) return;
  int r;
  if (q_.after_cursor) {
    if (j_->seek_cursor(*q_.after_cursor) < 0)
      throw JournalError("invalid cursor \"" + *q_.after_cursor + "\"");
    // Step onto the cursor's entry, and past it only if it is still there: if it was
    // vacuumed, the entry we land on is already the first one after it.
    r = q_.reverse ? j_->previous() : j_->next();
    if (r > 0 && j_->test_cursor(*q_.after_cursor)) {
      r = 0;
      after_cursor_found_ = true;
    }
    if (r < 0) throw JournalError("failed to iterate through journal: " + errno_text(r));
    need_seek_ = r == 0;
    return;
  }
  if (q_.until_us && (q_.reverse || q_.lines)) {
    j_->seek_realtime_us(static_cast<uint64_t>(*q_.until_us));
    r = q_.reverse ? j_->previous() : back_matching(*q_.lines);
  } else if (q_.reverse) {
    j_->seek_tail();
    r = j_->previous();
  } else if (q_.lines) {
    j_->seek_tail();
    r = back_matching(*q_.lines);
  } else if (q_.since_us) {
    j_->seek_realtime_us(static_cast<uint64_t>(*q_.since_us));
    since_seeked_ = true;
    r = j_->next();
  } else {
    j_->seek_head();
    r = j_->next();
  }
  if (r < 0) throw JournalError("failed to iterate through journal: " + errno_text(r));
  need_seek_ = r == 0;
}

int JournalReader::step() {
  return q_.reverse ? j_->previous() : j_->next();
}

bool JournalReader::next(Record& out) {
  while (!finished_) {
    if (q_.lines && shown_ >= *q_.lines && !q_.follow) break;
    if (need_seek_) {
      const int r = step();
      if (r < 0) {
        if (!q_.follow)
          throw JournalError("failed to iterate through journal: " + errno_text(r) +
                             " (a journal file is corrupt or was removed while reading)");
        recover(r);
        continue;
      }
      if (r == 0) {
        if (!q_.follow) finished_ = true;
        return false;
      }
    }
    need_seek_ = true;
    uint64_t rt = 0;
    if (const int r = j_->realtime_us(&rt); r < 0) continue;
    const auto t = static_cast<int64_t>(rt);
    if (q_.until_us && !q_.reverse && (!q_.lines || q_.since_us) && t > *q_.until_us) break;
    if (q_.since_us && (q_.reverse || !since_seeked_)) {
      if (t < *q_.since_us) {
        if (q_.reverse) break;
        // -n jumped back too far: restart at --since.
        j_->seek_realtime_us(static_cast<uint64_t>(*q_.since_us));
        since_seeked_ = true;
        continue;
      }
      since_seeked_ = true;
    }
    fill(out, t);
    // Rotated files stay open until sd_journal_process(); release them during long reads.
    if (++stats_.entries_read % 1024 == 0) j_->process();
    if (filter_ && !filter_(out)) continue;
    ++shown_;
    consecutive_recoveries_ = 0;
    return true;
  }
  finished_ = true;
  return false;
}

void JournalReader::fill(Record& r, int64_t realtime_us) {
  r.clear();
  r.source = "journal";
  r.time_ns = r.observed_time_ns = realtime_us * 1000;

  std::string_view name, value;
  bool have_message = false, pid1 = false;
  int64_t syslog_pid = -1;
  unit_field_.clear();
  if (q_.keep_journal_fields) begin_journal_fields(r, realtime_us);
  j_->restart_data();
  for (;;) {
    const int e = j_->enumerate(&name, &value);
    if (e == 0) break;
    if (e < 0) {
      // The rest of this entry's fields cannot be enumerated; keep what was read.
      if (stats_.unreadable_fields++ == 0) {
        std::string c;
        j_->cursor(&c);
        stats_.first_field_error = "entry " + c + ": " + errno_text(e);
      }
      break;
    }
    // Values may live in a decompression buffer that the next call reuses: copy now.
    switch (name.size()) {
      case 4:
        if (name == "_PID") {
          r.pid = parse_int(value, -1);
          pid1 = value == "1";
        } else if (name == "UNIT") {
          unit_field_.assign(value);
        }
        break;
      case 5:
        if (name == "_COMM" && r.identifier.empty()) r.identifier.assign(value);
        break;
      case 7:
        if (name == "MESSAGE") {
          r.message.assign(value);
          have_message = true;
        }
        break;
      case 8:
        if (name == "PRIORITY") r.level_raw.assign(value);
        break;
      case 9:
        if (name == "_HOSTNAME") r.node.assign(value);
        break;
      case 10:
        if (name == "SYSLOG_PID") syslog_pid = parse_int(value, -1);
        break;
      case 13:
        if (name == "_SYSTEMD_UNIT") r.unit.assign(value);
        break;
      case 17:
        if (name == "SYSLOG_IDENTIFIER") r.identifier.assign(value);
        break;
      case 26:
        if (name == "_SOURCE_REALTIME_TIMESTAMP") {
          const int64_t src = parse_int(value, 0);
          if (src > 0 && src < INT64_MAX / 1000) r.time_ns = src * 1000;
        }
        break;
      default:
        break;
    }
    // journald stores _BOOT_ID as a field too; it already leads the list.
    if (q_.keep_journal_fields && !(name == "_BOOT_ID" && value == boot_id_))
      r.journal_fields.emplace_back(std::string(name), std::string(value));
    if (!q_.extra_fields.empty() &&
        std::find(q_.extra_fields.begin(), q_.extra_fields.end(), name) != q_.extra_fields.end())
      r.attributes.emplace_back(std::string(name), std::string(value));
  }
  if (!have_message) {
    std::string_view m;
    if (j_->get("MESSAGE", &m) == 0) {
      r.message.assign(m);
      if (q_.keep_journal_fields) r.journal_fields.emplace_back("MESSAGE", r.message);
    }
  }
  if (r.pid < 0) r.pid = syslog_pid;
  // PID 1's messages about a unit ("Started kubelet.service") belong to that unit, as in
  // `journalctl -u`.
  if (pid1 && !unit_field_.empty()) r.unit = unit_field_;

  if (auto ml = detect_message_level(r.message)) {
    parse_message(r, *ml);
  } else if (!r.level_raw.empty()) {
    const int64_t p = parse_int(r.level_raw, -1);
    r.severity = severity_from_syslog(static_cast<int>(p));
  }
  r.component.assign(r.unit.empty() ? std::string_view(r.identifier) : component_from_unit(r.unit));
  if (q_.want_cursor && j_->cursor(&r.position.cursor) >= 0) last_cursor_ = r.position.cursor;
}

void JournalReader::begin_journal_fields(Record& r, int64_t realtime_us) {
  // The entry's address: what `journalctl -o export` prints before the fields, and what a
  // journal-remote server needs to store the entry under its original times and boot.
  r.journal_fields.emplace_back("__REALTIME_TIMESTAMP", std::to_string(realtime_us));
  uint64_t monotonic = 0;
  boot_id_.clear();
  if (j_->monotonic_us(&monotonic, &boot_id_) >= 0) {
    r.journal_fields.emplace_back("__MONOTONIC_TIMESTAMP", std::to_string(monotonic));
    r.journal_fields.emplace_back("_BOOT_ID", boot_id_);
  }
}

void JournalReader::parse_message(Record& r, const MessageLevel& level) {
  r.severity = level.severity;
  r.level_raw.assign(level.raw);
  const bool parsed = q_.parse_messages && (level.klog ? parse_klog(r.message, parsed_)
                                                       : parse_logrus(r.message, parsed_));
  if (!parsed) {
    r.caller.assign(level.caller);
    r.message.erase(0, level.message_offset);
    return;
  }
  std::swap(r.message, parsed_.message);
  std::swap(r.caller, parsed_.caller);
  // Swapping hands the parser's strings to the record and the record's old ones back to the
  // parser, so neither side allocates per entry; journal fields picked with --output-fields
  // are already in the attributes and must stay.
  if (r.attributes.empty()) {
    std::swap(r.attributes, parsed_.fields);
  } else {
    for (auto& f : parsed_.fields) r.attributes.push_back(std::move(f));
  }
  if (level.klog && parsed_.local_time) {
    // The journal's timestamp stays the event time (it has a year and a zone); the klog
    // header's own time is kept, resolved in the host's zone.
    time_text_.clear();
    append_rfc3339_utc_us(time_text_,
                          klog_time_.resolve(*parsed_.local_time, r.observed_time_ns) / 1000);
    r.attributes.emplace_back("klog_time", time_text_);
  }
}

void JournalReader::recover(int error) {
  // Rotation and vacuum can pull a file from under the read pointer. Reopen and reseek to
  // the last entry read; never restart at the head (that would replay the whole journal).
  if (++consecutive_recoveries_ > 5)
    throw JournalError("failed to iterate through journal: " + errno_text(error) +
                       " (gave up after 5 reopen attempts)");
  ++stats_.recoveries;
  j_.reset();
  j_.emplace(q_.source);
  j_->fd();
  add_filters();
  if (last_cursor_.empty()) {
    j_->seek_tail();
    need_seek_ = true;
    return;
  }
  j_->seek_cursor(last_cursor_);
  const int r = j_->next();
  need_seek_ = r <= 0 || j_->test_cursor(last_cursor_);
}

void JournalReader::wait(uint64_t timeout_us) {
  if (finished_) return;
  const int r = j_->wait(timeout_us);
  if (r < 0) recover(r);
}

std::string JournalReader::last_cursor() {
  if (!last_cursor_.empty()) return last_cursor_;
  std::string c;
  if (j_ && j_->cursor(&c) >= 0) return c;
  return {};
}

}  // namespace kj::journal
