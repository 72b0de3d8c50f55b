#include "tests/support/journal_fixture.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "tests/support/process.h"

namespace kjt {

Entry& Entry::set(std::string_view name, std::string_view value) {
  for (auto& f : fields_) {
    if (f.name == name) {
      f.value = value;
      return *this;
    }
  }
  return add(name, value);
}

Entry& Entry::add(std::string_view name, std::string_view value) {
  fields_.push_back(Field{std::string(name), std::string(value)});
  return *this;
}

Entry& Entry::remove(std::string_view name) {
  std::erase_if(fields_, [&](const Field& f) { return f.name == name; });
  return *this;
}

std::optional<std::string> Entry::get(std::string_view name) const {
  for (const auto& f : fields_) {
    if (f.name == name) return f.value;
  }
  return std::nullopt;
}

uint64_t Entry::realtime_us() const {
  auto v = get("__REALTIME_TIMESTAMP");
  return v ? std::stoull(*v) : 0;
}

bool needs_binary_form(std::string_view value) {
  for (unsigned char c : value) {
    if (c < 0x20 || c >= 0x7f) return true;
  }
  return false;
}

namespace {

// journald's rule (journal_field_valid): upper-case letters, digits and '_', not starting
// with a digit, at most 64 bytes. Names starting with "__" are the export format's
// address fields; only the three journal-remote reads are allowed.
void check_field_name(std::string_view name) {
  bool ok = !name.empty() && name.size() <= 64 && !(name[0] >= '0' && name[0] <= '9');
  for (char c : name) ok = ok && ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_');
  if (ok && name.starts_with("__")) {
    ok = name == "__REALTIME_TIMESTAMP" || name == "__MONOTONIC_TIMESTAMP";
  }
  if (!ok) throw std::invalid_argument("invalid journal field name: " + std::string(name));
}

void append_le64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

}  // namespace

std::string to_export_format(const std::vector<Entry>& entries) {
  std::string out;
  for (const auto& e : entries) {
    for (const char* required : {"__REALTIME_TIMESTAMP", "__MONOTONIC_TIMESTAMP", "_BOOT_ID"}) {
      if (!e.get(required)) {
        throw std::invalid_argument(std::string("journal entry without ") + required);
      }
    }
    for (const auto& f : e.fields()) {
      check_field_name(f.name);
      if (needs_binary_form(f.value)) {
        out += f.name;
        out += '\n';
        append_le64(out, f.value.size());
        out += f.value;
        out += '\n';
      } else {
        out += f.name;
        out += '=';
        out += f.value;
        out += '\n';
      }
    }
    out += '\n';  // an empty line ends the entry
  }
  return out;
}

std::vector<Entry> parse_export_format(std::string_view text) {
  std::vector<Entry> entries;
  Entry current;
  bool open = false;
  size_t p = 0;
  auto fail = [&](const char* what) {
    throw std::runtime_error(std::string("export format: ") + what + " at byte " +
                             std::to_string(p));
  };
  while (p < text.size()) {
    size_t nl = text.find('\n', p);
    if (nl == std::string_view::npos) fail("unterminated line");
    std::string_view line = text.substr(p, nl - p);
    if (line.empty()) {  // end of entry
      if (open) entries.push_back(std::move(current));
      current = Entry();
      open = false;
      p = nl + 1;
      continue;
    }
    open = true;
    size_t eq = line.find('=');
    if (eq != std::string_view::npos) {
      current.add(line.substr(0, eq), line.substr(eq + 1));
      p = nl + 1;
      continue;
    }
    // Binary form: NAME\n, le64 size, data, \n.
    size_t size_at = nl + 1;
    if (size_at + 8 > text.size()) fail("truncated size");
    uint64_t size = 0;
    for (int i = 7; i >= 0; --i) {
      size = (size << 8) | static_cast<unsigned char>(text[size_at + static_cast<size_t>(i)]);
    }
    size_t data_at = size_at + 8;
    if (data_at + size + 1 > text.size() || text[data_at + size] != '\n') fail("bad binary field");
    current.add(line, text.substr(data_at, size));
    p = data_at + size + 1;
  }
  if (open) entries.push_back(std::move(current));
  return entries;
}

void write_journal_file(const std::filesystem::path& file, const std::vector<Entry>& entries) {
  if (file.extension() != ".journal") {
    throw std::invalid_argument("journal-remote needs a *.journal output name: " + file.string());
  }
  RunOptions options;
  options.stdin_data = to_export_format(entries);
  options.timeout = std::chrono::seconds(60);
  RunResult r =
      run({"/lib/systemd/systemd-journal-remote", "--split-mode=none", "-o", file.string(), "-"},
          options);
  if (r.timed_out || r.exit_code() != 0 || !std::filesystem::exists(file)) {
    throw std::runtime_error("systemd-journal-remote failed for " + file.string() + "\n" +
                             r.describe());
  }
}

std::vector<std::filesystem::path> journal_files_in(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& de : std::filesystem::directory_iterator(dir)) {
    if (de.path().extension() == ".journal") files.push_back(de.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string id128_from_seed(std::string_view seed) {
  // Two FNV-1a passes with different offsets: stable, and distinct seeds give distinct ids.
  auto fnv = [&](uint64_t h) {
    for (unsigned char c : seed) {
      h ^= c;
      h *= 0x100000001b3ULL;
    }
    return h;
  };
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx",
                static_cast<unsigned long long>(fnv(0xcbf29ce484222325ULL)),
                static_cast<unsigned long long>(fnv(0x84222325cbf29ce4ULL)));
  return buf;
}

namespace nasty {
namespace {

struct Boot {
  std::string_view id;
  uint64_t start_us;  // realtime at which the boot's monotonic clock was 0
};

constexpr Boot kA{kBootA, kBaseUs - 7200 * kSecond};
constexpr Boot kB{kBootB, kBaseUs - 600 * kSecond};
constexpr Boot kC{kBootC, kBaseUs + 500 * kSecond};

// realtime and monotonic agree within a boot, as they do on a real machine; sd-journal orders
// entries of one boot in different files by the monotonic clock.
Entry at(const Boot& boot, uint64_t realtime) {
  Entry e;
  e.realtime(realtime).monotonic(realtime - boot.start_us).boot_id(boot.id);
  e.set("_MACHINE_ID", kMachineId).set("_HOSTNAME", kHostname);
  return e;
}

// A service writing to journald's stdout stream (kubelet, containerd): PRIORITY 6 whatever
// the line says.
Entry service(const Boot& boot, uint64_t realtime, std::string_view unit,
              std::string_view identifier, int pid, std::string_view message) {
  Entry e = at(boot, realtime);
  e.set("_TRANSPORT", "stdout").set("PRIORITY", "6").set("SYSLOG_FACILITY", "3");
  e.set("_UID", "0").set("_GID", "0").set("_COMM", identifier).set("_PID", std::to_string(pid));
  e.set("_SYSTEMD_UNIT", unit).set("_SYSTEMD_SLICE", "system.slice");
  e.set("SYSLOG_IDENTIFIER", identifier).set("_STREAM_ID", id128_from_seed(unit));
  e.message(message);
  return e;
}

// systemd (PID 1) talking about a unit: journalctl -u matches these through _PID=1 + UNIT=.
Entry pid1(const Boot& boot, uint64_t realtime, std::string_view unit, std::string_view message,
           std::string_view message_id, int priority) {
  Entry e = at(boot, realtime);
  e.set("_TRANSPORT", "journal").set("PRIORITY", std::to_string(priority));
  e.set("SYSLOG_FACILITY", "3").set("SYSLOG_IDENTIFIER", "systemd").set("_PID", "1");
  e.set("_UID", "0").set("_GID", "0").set("_COMM", "systemd").set("_EXE", "/lib/systemd/systemd");
  e.set("_SYSTEMD_UNIT", "init.scope").set("_SYSTEMD_SLICE", "-.slice");
  e.set("CODE_FILE", "src/core/job.c").set("CODE_LINE", "768").set("CODE_FUNC", "job_emit_done");
  e.set("MESSAGE_ID", message_id).set("UNIT", unit).set("INVOCATION_ID", id128_from_seed(message));
  e.message(message);
  return e;
}

Entry sshd(const Boot& boot, uint64_t realtime, std::string_view message) {
  Entry e = at(boot, realtime);
  e.set("_TRANSPORT", "syslog").set("PRIORITY", "6").set("SYSLOG_FACILITY", "4");
  e.set("SYSLOG_IDENTIFIER", "sshd").set("SYSLOG_PID", "812").set("_PID", "812");
  e.set("_UID", "0").set("_GID", "0").set("_COMM", "sshd").set("_EXE", "/usr/sbin/sshd");
  e.set("_SYSTEMD_UNIT", "ssh.service").set("_SYSTEMD_SLICE", "system.slice");
  e.message(message);
  return e;
}

// 1 MiB of text that does not compress to nothing, derived from a fixed seed.
std::string huge_message() {
  std::string s = "BIG containerd dump:";
  uint64_t x = 0x9e3779b97f4a7c15ULL;
  const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789 ";
  while (s.size() < kHugeMessageSize) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    s.push_back(alphabet[x % (sizeof alphabet - 1)]);
  }
  return s;
}

constexpr std::string_view kUnitStarting = "7d4958e842da4a758f6c1cdc7b36dcc5";
constexpr std::string_view kUnitStarted = "39f53479d3a045ac8e11786248231fbf";
constexpr std::string_view kUnitStopping = "de5b426a63be47a7b6ac3eaac82e2f6f";
constexpr std::string_view kUnitExited = "98e322203f7a4ed290d09fe03c09fe15";
constexpr std::string_view kCoredump = "fc2e22bc6ee647b6b90729ab34a250b1";

}  // namespace

std::vector<FixtureEntry> nasty_entries() {
  const uint64_t s = kSecond;
  std::vector<FixtureEntry> out;
  auto put = [&](char file, Entry e) { out.push_back(FixtureEntry{file, std::move(e)}); };

  // Boot A, an hour before the base time: kubelet starts, crashes with a fatal klog line and
  // dumps core.
  uint64_t t = kBaseUs - 3600 * s;
  put('a',
      pid1(kA, t, "kubelet.service",
           "Starting kubelet.service - kubelet: The Kubernetes Node Agent...", kUnitStarting, 6));
  put('b', pid1(kA, t + s / 2, "containerd.service",
                "Started containerd.service - containerd container runtime.", kUnitStarted, 6));
  put('a', service(kA, t + 1 * s, "containerd.service", "containerd", 700,
                   "time=\"2026-11-27T21:50:01.000000000Z\" level=info msg=\"starting "
                   "containerd\" revision=7f7fdf5fed64eb6a7caf99b3e12efcf9d60e311c "
                   "version=v1.7.22"));
  put('b', service(kA, t + 1 * s + s / 2, "kubelet.service", "kubelet", 1234,
                   "I1127 21:50:01.512345    1234 server.go:487] \"Kubelet version\" "
                   "kubeletVersion=\"v1.31.2\""));
  put('a', sshd(kA, t + 2 * s, kSshdAcceptedMessage));
  put('b', service(kA, t + 3 * s, "kubelet.service", "kubelet", 1234,
                   "F1127 21:50:03.000001    1234 server.go:302] \"Failed to run kubelet\" "
                   "err=\"failed to run Kubelet: validate service connection: CRI v1 runtime "
                   "API is not implemented for endpoint \\\"unix:///run/containerd/"
                   "containerd.sock\\\"\""));
  {
    // systemd-coredump's report: journalctl -u kubelet shows it through COREDUMP_UNIT.
    Entry e = at(kA, t + 3 * s + 100'000);
    e.set("_TRANSPORT", "journal")
        .set("PRIORITY", "2")
        .set("SYSLOG_IDENTIFIER", "systemd-coredump");
    e.set("_PID", "4321").set("_UID", "0").set("_GID", "0").set("_COMM", "systemd-coredum");
    e.set("_SYSTEMD_UNIT", "systemd-coredump@0-4321-0.service");
    e.set("MESSAGE_ID", kCoredump).set("COREDUMP_UNIT", "kubelet.service");
    e.set("COREDUMP_PID", "1234").set("COREDUMP_SIGNAL", "6");
    e.message(
        "Process 1234 (kubelet) of user 0 dumped core.\n\nStack trace of thread 1234:\n"
        "#0  0x000000000046e0c1 n/a (kubelet + 0x6e0c1)");
    put('a', std::move(e));
  }
  put('b',
      pid1(kA, t + 4 * s, "kubelet.service",
           "kubelet.service: Main process exited, code=dumped, status=6/ABRT", kUnitExited, 5));

  // Boot B, around the base time.
  t = kBaseUs;
  put('a', pid1(kB, t - 300 * s, "kubelet.service",
                "Started kubelet.service - kubelet: The Kubernetes Node Agent.", kUnitStarted, 6));
  put('b', service(kB, t - 299 * s, "kube-proxy.service", "kube-proxy", 2345,
                   "I1127 22:45:01.000000    2345 server_linux.go:66] \"Using iptables proxy\""));
  {
    Entry e = service(kB, t - 250 * s, "kube-proxy.service", "kube-proxy", 2345, kNoLevelMessage);
    e.remove("PRIORITY");  // written through the native protocol without a priority
    e.set("_TRANSPORT", "journal");
    put('a', std::move(e));
  }
  put('b', service(kB, t - 200 * s, "kubelet.service", "kubelet", 1234, kFakeHeaderMessage));
  // Multi-line structured value (klog's `key=<` block): the header is on the first line only.
  put('a', service(kB, t - 150 * s, "kubelet.service", "kubelet", 1234,
                   "I1127 22:47:30.000000    1234 kubelet.go:2421] \"SyncLoop (PLEG): event for "
                   "pod\" pod=\"kube-system/coredns-0\" event=<\n"
                   "\t{\"ID\":\"abc\",\"Type\":\"ContainerStarted\"}\n >"));
  // Invalid UTF-8 of every kind: truncated sequence, surrogate, overlong, stray bytes; plus a
  // valid 4-byte emoji that must survive.
  put('b', service(kB, t - 100 * s, "containerd.service", "containerd", 700,
                   "time=\"2026-11-27T22:48:20.000000000Z\" level=warning msg=\"caf\xc3 "
                   "\xed\xa0\x80 \xe2\x82 \xf0\x9f\x98\x80 \xc0\xaf \xff\xfe end\""));
  // Terminal escapes and other control characters (JSON must escape them).
  put('a', service(kB, t - 90 * s, "docker.service", "dockerd", 900,
                   "\x1b[31mred\x1b[0m \x01 bell\x07 tab\there cr\r."));
  {
    Entry e = service(kB, t - 80 * s, "kubelet.service", "kubelet", 1234,
                      "I1127 22:48:40.000000    1234 volume_manager.go:289] blob attached");
    e.set("KJT_BLOB", std::string_view("\x00\x01\x02\xff\xfe\n", 6));
    put('b', std::move(e));
  }
  put('a', sshd(kB, t - 79 * s,
                std::string_view("before\x00"
                                 "after",
                                 12)));
  put('a', service(kB, t - 60 * s, "containerd.service", "containerd", 700, huge_message()));
  {
    Entry e = service(kB, t - 30 * s, "kubelet.service", "kubelet", 1234,
                      "W1127 22:49:30.000000    1234 reflector.go:561] k8s.io/client-go/"
                      "informers/factory.go:160: failed to list *v1.Node: Unauthorized");
    e.set("_SOURCE_REALTIME_TIMESTAMP", std::to_string(t - 30 * s - 1500));
    put('b', std::move(e));
  }

  // The identical-timestamp group, spread over both files.
  {
    Entry e = service(kB, kSameTimeUs, "kubelet.service", "kubelet", 1234, kKubeletErrorMessage);
    e.set("_SOURCE_REALTIME_TIMESTAMP", std::to_string(kKubeletErrorSourceUs));
    put('a', std::move(e));
  }
  put('a',
      service(kB, kSameTimeUs, "containerd.service", "containerd", 700, kContainerdErrorMessage));
  put('b', service(kB, kSameTimeUs, "kube-proxy.service", "kube-proxy", 2345,
                   "I1127 22:50:00.123456    2345 proxier.go:805] \"SyncProxyRules complete\" "
                   "elapsed=\"12.3ms\""));
  put('a', sshd(kB, kSameTimeUs, "Disconnected from user core 192.0.2.10 port 52234"));

  // Ordinary kubelet chatter after it, alternating files.
  const char* chatter[] = {
      "\"Attempting to register node\" node=\"node-1\"",
      "\"Successfully registered node\" node=\"node-1\"",
      "\"SyncLoop ADD\" source=\"api\" pods=[\"default/web-1\"]",
      "\"Probe failed\" probeType=\"Readiness\" pod=\"default/web-1\" probeResult=\"failure\"",
      "Caches populated for *v1.Service from pkg/kubelet/config/apiserver.go:66",
      "\"Volume detached\" volume=\"kube-api-access-x\" node=\"node-1\"",
      "\"SyncLoop UPDATE\" source=\"api\" pods=[\"default/web-1\"]",
      "\"Killing container with a grace period\" pod=\"default/web-1\" gracePeriod=30"};
  for (int i = 0; i < 8; ++i) {
    char header[80];
    std::snprintf(header, sizeof header, "%c1127 22:50:%02d.%06d    1234 kubelet.go:%d] ",
                  i == 3 ? 'W' : 'I', i + 1, i * 1111, 2400 + i);
    put(i % 2 == 0 ? 'b' : 'a',
        service(kB, kBaseUs + static_cast<uint64_t>(i + 1) * s, "kubelet.service", "kubelet", 1234,
                std::string(header) + chatter[i]));
  }
  put('a', pid1(kB, t + 10 * s, "kubelet.service", "Stopping kubelet.service - kubelet...",
                kUnitStopping, 6));
  {
    // Someone ran kubelet by hand in a login session: same identifier, different unit.
    Entry e = service(kB, t + 11 * s, "session-3.scope", "kubelet", 9999, kManualKubeletMessage);
    e.set("_SYSTEMD_SLICE", "user-0.slice");
    put('b', std::move(e));
  }

  // Boot C, ten minutes later.
  t = kBaseUs + 600 * s;
  put('b', pid1(kC, t, "kubelet.service",
                "Started kubelet.service - kubelet: The Kubernetes Node Agent.", kUnitStarted, 6));
  put('a', service(kC, t + 1 * s, "kubelet.service", "kubelet", 1300,
                   "I1127 23:00:01.000000    1300 server.go:487] \"Kubelet version\" "
                   "kubeletVersion=\"v1.31.3\""));
  put('b', service(kC, t + 2 * s, "containerd.service", "containerd", 710,
                   "time=\"2026-11-27T23:00:02.000000000Z\" level=info msg=\"containerd "
                   "successfully booted in 0.052s\""));
  put('a', sshd(kC, t + 3 * s, kSshdListeningMessage));
  {
    Entry e = service(kC, t + 4 * s, "kubelet.service", "kubelet", 1300,
                      "E1127 23:00:04.000000    1300 kubelet.go:2900] \"Container runtime "
                      "network not ready\" networkReady=\"NetworkReady=false "
                      "reason:NetworkPluginNotReady\"");
    e.set("_SOURCE_REALTIME_TIMESTAMP", std::to_string(t + 4 * s - 250));
    put('b', std::move(e));
  }
  return out;
}

Fixture write_nasty_fixture(const std::filesystem::path& dir) {
  Fixture f;
  f.dir = dir;
  f.file_a = dir / "a.journal";
  f.file_b = dir / "b.journal";
  for (auto& fe : nasty_entries()) {
    (fe.file == 'a' ? f.entries_a : f.entries_b).push_back(std::move(fe.entry));
  }
  // Within one file entries must be in time order, as journald writes them.
  for (auto* list : {&f.entries_a, &f.entries_b}) {
    std::stable_sort(list->begin(), list->end(), [](const Entry& x, const Entry& y) {
      return x.realtime_us() < y.realtime_us();
    });
  }
  write_journal_file(f.file_a, f.entries_a);
  write_journal_file(f.file_b, f.entries_b);
  return f;
}

}  // namespace nasty
}  // namespace kjt
