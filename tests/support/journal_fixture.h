// Journal files made at test time: entries are described field by field, serialized to the
// Journal Export Format and turned into real journal files by systemd-journal-remote, so the
// tests read exactly what systemd writes (no binary fixtures in git).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kjt {

// A string literal with embedded NULs kept: bytes("a\0b") has size 3.
template <size_t N>
std::string bytes(const char (&literal)[N]) {
  return std::string(literal, N - 1);
}

struct Field {
  std::string name;
  std::string value;  // bytes; may hold newlines, NULs and invalid UTF-8
};

// One journal entry: an ordered list of fields. journal-remote needs __REALTIME_TIMESTAMP,
// __MONOTONIC_TIMESTAMP and _BOOT_ID on every entry.
class Entry {
 public:
  // Replaces the first field of that name, or appends it.
  Entry& set(std::string_view name, std::string_view value);
  // Appends even when the name exists (journal entries may repeat a field).
  Entry& add(std::string_view name, std::string_view value);
  Entry& remove(std::string_view name);

  Entry& realtime(uint64_t us) { return set("__REALTIME_TIMESTAMP", std::to_string(us)); }
  Entry& monotonic(uint64_t us) { return set("__MONOTONIC_TIMESTAMP", std::to_string(us)); }
  Entry& boot_id(std::string_view id128) { return set("_BOOT_ID", id128); }
  Entry& message(std::string_view text) { return set("MESSAGE", text); }

  std::optional<std::string> get(std::string_view name) const;
  uint64_t realtime_us() const;  // 0 when unset
  const std::vector<Field>& fields() const { return fields_; }

 private:
  std::vector<Field> fields_;
};

// Whether export format must carry the value in its binary form (length-prefixed) rather
// than as `NAME=value`: newlines, control bytes and anything outside printable ASCII.
bool needs_binary_form(std::string_view value);

// Serializes entries as Journal Export Format. Throws std::invalid_argument for a field name
// journald would reject, or an entry without the three fields journal-remote needs.
std::string to_export_format(const std::vector<Entry>& entries);

// The inverse, for reading `journalctl -o export` back (journalctl adds __CURSOR and the
// address fields). Throws std::runtime_error on malformed input.
std::vector<Entry> parse_export_format(std::string_view text);

// Writes `entries` (in this order) into the journal file `file` (its name must end in
// .journal) through `systemd-journal-remote --split-mode=none -o FILE -`. Throws
// std::runtime_error, with journal-remote's stderr, when the conversion fails.
void write_journal_file(const std::filesystem::path& file, const std::vector<Entry>& entries);

// Journal files in `dir` (non-recursive), sorted by name.
std::vector<std::filesystem::path> journal_files_in(const std::filesystem::path& dir);

// A 128-bit id as journald prints it (32 lowercase hex digits), derived from `seed` so the
// same test always uses the same ids.
std::string id128_from_seed(std::string_view seed);

// ---------------------------------------------------------------------------------------
// The "nasty" fixture: what a Kubernetes node journal looks like on a bad day, shared by the
// agreement, output and error tests. Times are fixed (2026-11-27, UTC) so tests can name them.
namespace nasty {

inline constexpr uint64_t kSecond = 1'000'000;
// 2026-11-27 22:50:00.000000 UTC.
inline constexpr uint64_t kBaseUs = 1'795'819'800ULL * kSecond;
// Four entries (spread over both files) share this exact __REALTIME_TIMESTAMP.
inline constexpr uint64_t kSameTimeUs = kBaseUs + 123'456;
inline constexpr int kSameTimeCount = 4;
inline constexpr std::string_view kHostname = "node-1";
// _MACHINE_ID of every entry (a journal directory named so is found by --root).
inline constexpr std::string_view kMachineId = "5e1f2a3b4c5d6e7f8091a2b3c4d5e6f7";

// Three boots, in this order.
inline constexpr std::string_view kBootA = "3f1e0a9b2c4d4e6f8a1b2c3d4e5f6071";
inline constexpr std::string_view kBootB = "7c2d9e8f1a0b4c3d9e8f7a6b5c4d3e21";
inline constexpr std::string_view kBootC = "b5a4c3d2e1f04a1b8c7d6e5f4a3b2c10";

// kubelet error written to stdout: PRIORITY=6, the real level is the klog letter. Its
// __REALTIME_TIMESTAMP is kSameTimeUs and it carries an earlier _SOURCE_REALTIME_TIMESTAMP.
inline constexpr std::string_view kKubeletErrorMessage =
    "E1127 22:50:00.123456    1234 pod_workers.go:1301] \"Error syncing pod, skipping\" "
    "err=\"failed to \\\"StartContainer\\\" for \\\"web\\\" with CrashLoopBackOff\" "
    "pod=\"default/web-1\" podUID=\"6f3b0c1e-5d7a-4c55-9a57-0f1e2d3c4b5a\"";
inline constexpr std::string_view kKubeletErrorHeader =
    "E1127 22:50:00.123456    1234 pod_workers.go:1301] ";
inline constexpr uint64_t kKubeletErrorSourceUs = kSameTimeUs - 1'000;
// containerd error (logrus), PRIORITY=6.
inline constexpr std::string_view kContainerdErrorMessage =
    "time=\"2026-11-27T22:50:00.123456789Z\" level=error msg=\"ContainerStatus for \\\"4f1c\\\" "
    "failed\" error=\"rpc error: code = NotFound desc = an error occurred when try to find "
    "container \\\"4f1c\\\": not found\"";
// kube-proxy line without PRIORITY and without any level in the text: severity unknown.
inline constexpr std::string_view kNoLevelMessage = "iptables-restore: line 12 failed";
// Header-shaped but month 00: not a klog header, must stay unchanged (FORMATS.md §1.3).
inline constexpr std::string_view kFakeHeaderMessage =
    "E0000 12:00:01.000000  123456 main.go:43] Failed for some reason";
// sshd, not a Kubernetes unit.
inline constexpr std::string_view kSshdAcceptedMessage =
    "Accepted publickey for core from 192.0.2.10 port 52234 ssh2: ED25519 SHA256:Vq3m0fp";
inline constexpr std::string_view kSshdListeningMessage = "Server listening on 0.0.0.0 port 22.";
// kubelet run by hand: SYSLOG_IDENTIFIER=kubelet but _SYSTEMD_UNIT=session-3.scope.
inline constexpr std::string_view kManualKubeletMessage =
    "I1127 22:50:11.000000    9999 flags.go:64] FLAG: --v=\"4\"";
// Size of the huge MESSAGE (containerd).
inline constexpr size_t kHugeMessageSize = 1024 * 1024;

struct Fixture {
  std::filesystem::path dir;
  std::filesystem::path file_a;  // a.journal
  std::filesystem::path file_b;  // b.journal
  std::vector<Entry> entries_a;  // as written into a.journal
  std::vector<Entry> entries_b;
  size_t size() const { return entries_a.size() + entries_b.size(); }
};

// The entries of the fixture, before splitting into files.
struct FixtureEntry {
  char file;  // 'a' or 'b'
  Entry entry;
};
std::vector<FixtureEntry> nasty_entries();

// Writes a.journal and b.journal (two journal-remote runs, interleaved times) into dir.
Fixture write_nasty_fixture(const std::filesystem::path& dir);

}  // namespace nasty
}  // namespace kjt
