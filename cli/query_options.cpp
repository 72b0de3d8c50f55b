#include "cli/query_options.h"

#include <glob.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdlib>

#include "core/time_spec.h"

namespace kj::cli {
namespace {

constexpr const char* kFooter =
    R"(Sources: without -D/--file/--namespace/--root the local system journal is read.
Without -u, -c or --all only Kubernetes node components are shown: kubelet, containerd,
crio, docker, cri-docker, kube-proxy, kube-apiserver, kube-controller-manager,
kube-scheduler and etcd (by systemd unit and by syslog identifier).

Severity: kubelet and containerd log everything at journald PRIORITY 6; kjournal reads the
real level from the message (klog "E1127 ..." headers, logrus "level=error") and -p filters
on that normalized level, so `kjournal -p err` shows the kubelet errors that
`journalctl -p err` misses. Entries with no level at all are shown only by -p debug.

Times (--since/--until): journalctl's syntax ("2026-11-27 10:00", "today", "yesterday",
"-1h", "1h ago", "@1700000000", RFC 3339) plus a bare duration ("1h", "90m", "2d") meaning
that long ago.

Output: JSON modes write one object per record (keys: time, observed_time, severity,
level, component, unit, node, identifier, pid, message, caller, attributes, source, cursor,
id). Bytes that are not valid UTF-8 are replaced by U+FFFD, one per invalid sequence;
control characters are escaped. Text modes show control characters as \xNN.
kjournal never starts a pager; --no-pager is accepted for journalctl compatibility.)";

std::vector<std::string> expand_globs(const std::vector<std::string>& patterns) {
  std::vector<std::string> out;
  for (const auto& p : patterns) {
    glob_t g{};
    const int r = glob(p.c_str(), GLOB_NOCHECK | GLOB_TILDE, nullptr, &g);
    if (r == 0)
      for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
    globfree(&g);
  }
  return out;
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t end = s.find(',', start);
    std::string part = s.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!part.empty()) out.push_back(part);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

int64_t parse_time_option(const std::string& flag, const std::string& spec, int64_t now_us) {
  try {
    return parse_time_spec(spec, now_us);
  } catch (const TimeSpecError& e) {
    throw UsageError(flag + ": " + e.what());
  }
}

}  // namespace

std::optional<QueryOptions> parse_query_options(int argc, const char* const* argv, int64_t now_us,
                                                std::string* help_out) {
  QueryOptions o;
  CLI::App app{
      "kjournal: the logs of Kubernetes node components (kubelet, container runtime, "
      "control plane), normalized, from journald.",
      "kjournal"};
  app.footer(kFooter);
  app.set_help_flag("-h,--help", "Show this help and exit");
  app.get_formatter()->column_width(30);

  std::string directory, root, ns, since, until, lines, priority, output = "short", fields;
  std::vector<std::string> files;
  std::string case_sensitive;
  bool no_pager = false;

  app.add_flag("--version", o.show_version, "Print the version and the libsystemd version");
  auto* g_src = "Sources";
  app.add_option("-D,--directory", directory, "Read journal files from DIR")
      ->group(g_src)
      ->option_text("DIR");
  app.add_option("--file", files, "Read these journal files (repeatable, globs allowed)")
      ->group(g_src)
      ->option_text("PATH");
  app.add_option("--namespace", ns, "Read the journal namespace NAME")
      ->group(g_src)
      ->option_text("NAME");
  app.add_option("--root", root,
                 "Read the journal of the OS tree mounted at DIR (e.g. /host in a container)")
      ->group(g_src)
      ->option_text("DIR");

  std::string log_dir;
  bool no_journal = false, no_files = false;
  app.add_option("--log-dir", log_dir,
                 "Directory of the component log files (default /var/log, or ROOT/var/log "
                 "with --root)")
      ->group(g_src)
      ->option_text("DIR");
  app.add_option("--file-glob", o.file_globs,
                 "Also read log files matching GLOB (repeatable), e.g. '/var/log/myapp/*.log'")
      ->group(g_src)
      ->option_text("GLOB");
  app.add_flag("--no-journal", no_journal, "Do not read the journal, only log files")->group(g_src);
  app.add_flag("--no-files", no_files, "Do not read log files, only the journal")->group(g_src);
  app.add_option("--timezone", o.timezone,
                 "Zone of the klog header times in log files (default: TZ, else the host's)")
      ->group(g_src)
      ->option_text("ZONE");

  auto* g_filter = "Filtering";
  app.add_option("-S,--since", since, "Show entries not older than TIME")
      ->group(g_filter)
      ->option_text("TIME");
  app.add_option("-U,--until", until, "Show entries not newer than TIME")
      ->group(g_filter)
      ->option_text("TIME");
  app.add_option("-u,--unit", o.units, "Show this systemd unit (repeatable, globs allowed)")
      ->group(g_filter)
      ->option_text("UNIT");
  app.add_option("-c,--component", o.components,
                 "Show this normalized component, e.g. kubelet, containerd (repeatable)")
      ->group(g_filter)
      ->option_text("NAME");
  app.add_flag("--all", o.all, "Show every entry, not only Kubernetes node components")
      ->group(g_filter);
  app.add_option("-p,--priority", priority,
                 "Show entries of this normalized severity or worse, or a range FROM..TO "
                 "(emerg alert crit err warning notice info debug, or 0-7)")
      ->group(g_filter)
      ->option_text("PRIO");
  app.add_option("-g,--grep", o.grep,
                 "Show entries whose message matches PATTERN (PCRE; case-insensitive unless "
                 "the pattern has upper case)")
      ->group(g_filter)
      ->option_text("PATTERN");
  app.add_option("--case-sensitive", case_sensitive, "Force case sensitivity of --grep (yes/no)")
      ->group(g_filter)
      ->option_text("BOOL");
  app.add_option("--after-cursor", o.after_cursor, "Show entries after CURSOR")
      ->group(g_filter)
      ->option_text("CURSOR");
  app.add_option("--cursor-file", o.cursor_file,
                 "Show entries after the cursor stored in FILE, then store the last one")
      ->group(g_filter)
      ->option_text("FILE");

  auto* g_out = "Output";
  app.add_option("-n,--lines", lines, "Show the N most recent entries ('all' for no limit)")
      ->group(g_out)
      ->option_text("N");
  app.add_flag("-r,--reverse", o.reverse, "Show the newest entries first")->group(g_out);
  app.add_flag("-f,--follow", o.follow, "Keep printing new entries as they arrive")->group(g_out);
  app.add_option("-o,--output", output,
                 "Output mode: short, short-iso, short-precise, json, json-pretty, cat")
      ->group(g_out)
      ->option_text("MODE");
  app.add_option("--output-fields", fields,
                 "JSON keys to print (comma-separated); journal field names such as _COMM are "
                 "added under attributes")
      ->group(g_out)
      ->option_text("LIST");
  app.add_flag("--utc", o.format.utc, "Show times in UTC")->group(g_out);
  app.add_flag("--raw-messages", o.raw_messages,
               "Show messages as written (after the klog header): do not split structured "
               "klog/logrus key=value pairs into attributes")
      ->group(g_out);
  app.add_flag("--no-pager", no_pager, "Accepted for journalctl compatibility (never pages)")
      ->group(g_out);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    *help_out = app.help();
    return std::nullopt;
  } catch (const CLI::ParseError& e) {
    throw UsageError(e.what());
  }

  if (no_journal && no_files) throw UsageError("--no-journal and --no-files leave nothing to read");
  o.journal = !no_journal;
  o.files = !no_files;
  using Kind = journal::JournalSource::Kind;
  const int n_sources = !directory.empty() + !files.empty() + !ns.empty() + !root.empty();
  if (n_sources > 1) throw UsageError("-D, --file, --namespace and --root cannot be combined");
  if (!directory.empty()) {
    o.source.kind = Kind::directory;
    o.source.path = directory;
  } else if (!files.empty()) {
    o.source.kind = Kind::files;
    o.source.files = expand_globs(files);
  } else if (!ns.empty()) {
    o.source.kind = Kind::ns;
    o.source.ns = ns;
  } else if (!root.empty()) {
    o.source.kind = Kind::root;
    o.source.path = root;
  }
  o.journal_source_given = !directory.empty() || !files.empty() || !ns.empty();
  if (!log_dir.empty()) {
    o.log_dir = log_dir;
  } else if (!root.empty()) {
    o.log_dir = root + "/var/log";
  }
  // Journal files named explicitly mean "this journal": component log files join only when
  // asked for (--log-dir / --file-glob), so -D and --file behave as in journalctl.
  if (o.journal_source_given && log_dir.empty() && o.file_globs.empty()) o.files = false;

  if (!since.empty()) o.since_us = parse_time_option("--since", since, now_us);
  if (!until.empty()) o.until_us = parse_time_option("--until", until, now_us);
  if (o.since_us && o.until_us && *o.since_us > *o.until_us)
    throw UsageError("--since (" + since + ") is after --until (" + until + ")");

  if (!lines.empty() && lines != "all") {
    uint64_t n = 0;
    auto [p, ec] = std::from_chars(lines.data(), lines.data() + lines.size(), n);
    if (ec != std::errc() || p != lines.data() + lines.size())
      throw UsageError("--lines: \"" + lines + "\" is not a number or 'all'");
    o.lines = n;
  }
  // As journalctl: -f alone shows the last 10 entries before following.
  if (o.follow && lines.empty() && !o.since_us) o.lines = 10;

  if (!priority.empty()) {
    o.priority = parse_priority_range(priority);
    if (!o.priority)
      throw UsageError("--priority: \"" + priority +
                       "\" is not a level (emerg alert crit err warning notice info debug, "
                       "0-7) or a range FROM..TO");
  }
  if (!case_sensitive.empty()) {
    if (case_sensitive == "yes" || case_sensitive == "true" || case_sensitive == "1")
      o.case_sensitive = true;
    else if (case_sensitive == "no" || case_sensitive == "false" || case_sensitive == "0")
      o.case_sensitive = false;
    else
      throw UsageError("--case-sensitive: \"" + case_sensitive + "\" is not yes or no");
  }

  const auto mode = parse_output_mode(output);
  if (!mode)
    throw UsageError("--output: unknown mode \"" + output +
                     "\" (short, short-iso, short-precise, json, json-pretty, cat)");
  o.format.mode = *mode;
  o.format.fields = split_commas(fields);
  // Colours only for a terminal that can show them, as journalctl decides.
  const char* term = std::getenv("TERM");
  o.format.color = !is_json(o.format.mode) && isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR") &&
                   !(term && std::string_view(term) == "dumb");
  return o;
}

}  // namespace kj::cli
