#include "collectors/journal/journal_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>

#ifndef KJ_LIBSYSTEMD_VERSION
#define KJ_LIBSYSTEMD_VERSION "unknown"
#endif

namespace kj::journal {
namespace {

// Journal file header layout (systemd's JOURNAL_FILE_FORMAT documentation): 8-byte
// signature, le32 compatible flags, le32 incompatible flags, ..., le64 header_size at 88.
constexpr char kSignature[8] = {'L', 'P', 'K', 'S', 'H', 'H', 'R', 'H'};
constexpr size_t kMinHeader = 208;  // the oldest header format's size

struct FlagName {
  uint32_t bit;
  const char* name;
};
constexpr FlagName kIncompatibleFlags[] = {
    {1u << 0, "compressed-xz"},   {1u << 1, "compressed-lz4"}, {1u << 2, "keyed-hash"},
    {1u << 3, "compressed-zstd"}, {1u << 4, "compact"},
};

uint32_t le32(const unsigned char* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
uint64_t le64(const unsigned char* p) {
  return uint64_t(le32(p)) | uint64_t(le32(p + 4)) << 32;
}

bool is_journal_name(const std::string& n) {
  return n.ends_with(".journal") || n.ends_with(".journal~");
}

bool is_hex_id(std::string_view n) {
  if (n.size() != 32) return false;
  for (char c : n)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string machine_id(const std::string& root) {
  std::ifstream f(root + "/etc/machine-id");
  std::string id;
  f >> id;
  return is_hex_id(id) ? id : std::string();
}

// Lists journal files in `dir` and in its subdirectories accepted by `want_subdir`.
void scan(const std::string& dir, JournalInventory* inv,
          const std::function<bool(const std::string&)>& want_subdir) {
  inv->searched.push_back(dir);
  DIR* d = opendir(dir.c_str());
  if (!d) {
    if (errno == EACCES) inv->problems.push_back({dir, "permission denied listing the directory"});
    return;
  }
  std::vector<std::string> subdirs;
  while (dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    const std::string path = dir + "/" + name;
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) continue;
    if (S_ISREG(st.st_mode) && is_journal_name(name)) {
      inv->files.push_back(path);
    } else if (S_ISDIR(st.st_mode) && want_subdir(name)) {
      subdirs.push_back(path);
    }
  }
  closedir(d);
  for (const auto& s : subdirs) scan(s, inv, [](const std::string&) { return false; });
}

}  // namespace

uint32_t supported_incompatible_flags() {
  // Compact mode arrived in 252, zstd and keyed hashes in 246.
  const int v = std::atoi(KJ_LIBSYSTEMD_VERSION);
  if (v >= 252) return 0x1F;
  if (v >= 246) return 0x0F;
  return 0x03;
}

std::string check_journal_file(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    if (errno == EACCES || errno == EPERM)
      return "permission denied (journal files are readable by root and the members of the "
             "'systemd-journal' group; run as root or add this user to that group)";
    return std::string("cannot open: ") + strerror(errno);
  }
  unsigned char h[kMinHeader];
  struct stat st {};
  fstat(fd, &st);
  const ssize_t n = pread(fd, h, sizeof h, 0);
  close(fd);
  if (n < 0) return std::string("cannot read: ") + strerror(errno);
  if (n < 16 || memcmp(h, kSignature, 8) != 0) return "not a journal file (bad signature)";
  if (static_cast<size_t>(n) < kMinHeader)
    return "truncated or corrupt: " + std::to_string(st.st_size) + " bytes, shorter than a header";
  const uint32_t incompatible = le32(h + 12);
  const uint32_t unknown = incompatible & ~supported_incompatible_flags();
  if (unknown) {
    std::string names;
    for (const auto& f : kIncompatibleFlags) {
      if (incompatible & f.bit) names += std::string(names.empty() ? "" : ",") + f.name;
    }
    char hex[16];
    snprintf(hex, sizeof hex, "0x%x", incompatible);
    return std::string("uses a journal format this build cannot read: incompatible header flags ") +
           hex + (names.empty() ? "" : " (" + names + ")") + ", unknown to libsystemd " +
           KJ_LIBSYSTEMD_VERSION +
           " that kjournal was built with (written by a newer systemd; read it with the host's "
           "journalctl or run a kjournal built against a newer libsystemd)";
  }
  const uint64_t header_size = le64(h + 88);
  if (header_size < kMinHeader || static_cast<uint64_t>(st.st_size) < header_size)
    return "truncated or corrupt: " + std::to_string(st.st_size) + " bytes, header claims " +
           std::to_string(header_size);
  return {};
}

EntryCheck check_journal_entries(const std::string& path) {
  // sd-journal skips entries it cannot parse without telling the caller, so walk the file's
  // entry-array chain and look at each entry object's header the way the library would.
  // Only damage that is certain is reported: a live file being appended to must not look
  // corrupt, so the entry count in the header is not compared.
  EntryCheck c;
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return c;
  struct stat st {};
  if (fstat(fd, &st) != 0 || static_cast<size_t>(st.st_size) < kMinHeader) {
    close(fd);
    return c;
  }
  const size_t size = static_cast<size_t>(st.st_size);
  void* map = mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  close(fd);
  if (map == MAP_FAILED) return c;
  const auto* d = static_cast<const unsigned char*>(map);
  const bool compact = le32(d + 12) & (1u << 4);
  const uint64_t head_seqnum = le64(d + 168), tail_seqnum = le64(d + 160);
  const uint64_t n_entries = le64(d + 152);
  constexpr uint8_t kEntryObject = 3, kEntryArrayObject = 6;
  constexpr uint64_t kObjectHeader = 16, kEntryFixed = kObjectHeader + 48;

  auto in_file = [&](uint64_t off, uint64_t len) {
    return off >= kMinHeader && off <= size && len <= size - off;
  };
  auto note_bad = [&](uint64_t off) {
    if (c.bad_entries++ == 0) c.first_bad_offset = off;
  };
  uint64_t array = le64(d + 176), prev = 0;
  const size_t item = compact ? 4 : 8;
  while (array != 0 && c.entries_seen + c.bad_entries < n_entries) {
    // Arrays are appended, so each link points further into the file; anything else is a
    // loop or garbage and ends the walk.
    if (array <= prev || !in_file(array, 24) || d[array] != kEntryArrayObject) {
      note_bad(array);
      c.broken_chain = true;
      break;
    }
    const uint64_t obj_size = le64(d + array + 8);
    if (obj_size < 24 || !in_file(array, obj_size)) {
      note_bad(array);
      c.broken_chain = true;
      break;
    }
    for (uint64_t p = array + 24; p + item <= array + obj_size; p += item) {
      const uint64_t e = compact ? le32(d + p) : le64(d + p);
      if (e == 0) break;  // unused tail of the last array
      if (c.entries_seen + c.bad_entries >= n_entries) break;
      if (!in_file(e, kEntryFixed) || d[e] != kEntryObject || le64(d + e + 8) < kEntryFixed ||
          !in_file(e, le64(d + e + 8))) {
        note_bad(e);
        continue;
      }
      const uint64_t seqnum = le64(d + e + 16);
      if (seqnum < head_seqnum || seqnum > tail_seqnum) {
        note_bad(e);
        continue;
      }
      ++c.entries_seen;
    }
    prev = array;
    array = le64(d + array + 16);
  }
  munmap(map, size);
  return c;
}

namespace {

// Whether the file's entries [head, tail] realtime, from its header, can meet the window. A
// header that says nothing (empty or live file without entries yet) always overlaps.
bool overlaps_window(const std::string& path, std::optional<int64_t> since_us,
                     std::optional<int64_t> until_us) {
  if (!since_us && !until_us) return true;
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return true;
  unsigned char h[200];
  const ssize_t n = pread(fd, h, sizeof h, 0);
  close(fd);
  if (n < static_cast<ssize_t>(sizeof h)) return true;
  const uint64_t head = le64(h + 184), tail = le64(h + 192);
  if (head == 0 || tail == 0) return true;
  if (since_us && static_cast<int64_t>(tail) < *since_us) return false;
  if (until_us && static_cast<int64_t>(head) > *until_us) return false;
  return true;
}

}  // namespace

JournalInventory inspect_journal_files(const JournalSource& source, std::optional<int64_t> since_us,
                                       std::optional<int64_t> until_us) {
  JournalInventory inv;
  using Kind = JournalSource::Kind;
  switch (source.kind) {
    case Kind::files:
      inv.files = source.files;
      break;
    case Kind::directory:
      scan(source.path, &inv, [](const std::string& n) { return is_hex_id(n.substr(0, 32)); });
      break;
    case Kind::local:
    case Kind::root:
    case Kind::ns: {
      const std::string root = source.kind == Kind::root ? source.path : "";
      const std::string mid = machine_id(root);
      for (const char* base : {"/var/log/journal", "/run/log/journal"}) {
        const std::string dir = root + base;
        if (access(dir.c_str(), F_OK) != 0) {
          inv.searched.push_back(dir);
          continue;
        }
        if (source.kind == Kind::ns) {
          scan(dir, &inv, [&](const std::string& n) {
            return n.size() > 33 && n[32] == '.' && n.substr(33) == source.ns &&
                   (mid.empty() || n.starts_with(mid));
          });
        } else {
          scan(dir, &inv,
               [&](const std::string& n) { return is_hex_id(n) && (mid.empty() || n == mid); });
        }
      }
      break;
    }
  }
  for (const auto& f : inv.files) {
    std::string why = check_journal_file(f);
    if (why.empty()) {
      if (!overlaps_window(f, since_us, until_us)) continue;
      const EntryCheck c = check_journal_entries(f);
      if (c.bad_entries == 0) continue;
      char off[24];
      snprintf(off, sizeof off, "0x%llx", static_cast<unsigned long long>(c.first_bad_offset));
      why = "corrupt: " + std::to_string(c.bad_entries) +
            (c.broken_chain ? " entry arrays or entries" : " entries") +
            " cannot be read (first at offset " + off + "); " + std::to_string(c.entries_seen) +
            " readable entries are shown";
      if (c.entries_seen > 0) {
        inv.problems.push_back({f, std::move(why)});
        continue;
      }
    }
    inv.problems.push_back({f, std::move(why)});
    ++inv.unreadable_files;
  }
  return inv;
}

}  // namespace kj::journal
