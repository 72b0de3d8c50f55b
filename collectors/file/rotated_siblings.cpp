#include "collectors/file/rotated_siblings.h"

#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <system_error>

namespace kj::file {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

size_t count_digits(std::string_view s, size_t from) {
  size_t i = from;
  while (i < s.size() && is_digit(s[i])) ++i;
  return i - from;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// `suffix` is what follows the live name: ".1", ".2.gz", "-20261127", ".20261127-101010.gz".
std::optional<RotationSuffix> parse_suffix(std::string_view suffix) {
  RotationSuffix r;
  if (ends_with(suffix, ".gz")) {
    r.gzip = true;
    suffix.remove_suffix(3);
  }
  if (suffix.size() < 2 || (suffix[0] != '.' && suffix[0] != '-')) return std::nullopt;
  const std::string_view body = suffix.substr(1);
  const size_t lead = count_digits(body, 0);
  if (lead == 0) return std::nullopt;
  if (lead < 8) {
    // logrotate numbers (only after a dot: "x.log-3" is nobody's scheme).
    if (suffix[0] != '.' || lead != body.size() || lead > 6) return std::nullopt;
    r.kind = RotationSuffix::Kind::numbered;
    r.number = std::stoull(std::string(body));
    return r.number == 0 ? std::nullopt : std::optional(r);
  }
  // A date: YYYYMMDD, then optionally more digits, "-hhmmss" (kubelet) or "-<epoch>" (dateformat
  // -%Y%m%d-%s) or "_..." variants.
  size_t i = 8;
  if (lead > 8) {
    i = lead;
  } else if (i < body.size() && (body[i] == '-' || body[i] == '_')) {
    const size_t more = count_digits(body, i + 1);
    if (more == 0) return std::nullopt;
    i += 1 + more;
  }
  if (i != body.size()) return std::nullopt;
  r.kind = RotationSuffix::Kind::dated;
  r.date = std::string(body);
  return r;
}

struct Candidate {
  RotationSuffix suffix;
  std::filesystem::path path;
  int64_t mtime_ns = 0;
};

int64_t mtime_ns(const std::filesystem::path& p) {
  struct stat st {};
  if (stat(p.c_str(), &st) != 0) return 0;
  return int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec;
}

}  // namespace

std::optional<RotationSuffix> parse_rotation_suffix(std::string_view live_name,
                                                    std::string_view name) {
  if (name.size() <= live_name.size() || name.substr(0, live_name.size()) != live_name) {
    return std::nullopt;
  }
  return parse_suffix(name.substr(live_name.size()));
}

bool is_rotated_name(std::string_view name) {
  if (ends_with(name, ".gz") || ends_with(name, ".tmp")) return true;
  // Any suffix position that parses as a rotation suffix after something that looks like a
  // log name: "kube-apiserver.log.1", "0.log.20261127-101010", "x.log-20261127".
  for (size_t i = name.size(); i-- > 1;) {
    if (name[i] != '.' && name[i] != '-') continue;
    if (parse_suffix(name.substr(i)) && ends_with(name.substr(0, i), ".log")) return true;
  }
  return false;
}

std::vector<RotatedFile> rotated_siblings(const std::filesystem::path& live) {
  const std::string live_name = live.filename().string();
  const std::filesystem::path dir = live.has_parent_path() ? live.parent_path() : ".";
  // Keyed by the name without ".gz", so a plain file and its compressed twin collapse.
  std::map<std::string, Candidate> found;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    auto suffix = parse_rotation_suffix(live_name, name);
    if (!suffix) continue;
    std::error_code type_ec;
    if (!it->is_regular_file(type_ec)) continue;
    std::string key = suffix->gzip ? name.substr(0, name.size() - 3) : name;
    auto [slot, inserted] = found.try_emplace(std::move(key));
    if (!inserted && !slot->second.suffix.gzip) continue;  // keep the plain twin
    slot->second = Candidate{std::move(*suffix), it->path(), 0};
  }

  std::vector<Candidate> numbered, dated;
  for (auto& [key, c] : found) {
    (c.suffix.kind == RotationSuffix::Kind::numbered ? numbered : dated).push_back(std::move(c));
  }
  std::sort(numbered.begin(), numbered.end(), [](const Candidate& a, const Candidate& b) {
    return a.suffix.number > b.suffix.number;
  });
  std::sort(dated.begin(), dated.end(),
            [](const Candidate& a, const Candidate& b) { return a.suffix.date < b.suffix.date; });
  std::vector<RotatedFile> out;
  out.reserve(numbered.size() + dated.size());
  if (numbered.empty() || dated.empty()) {
    for (auto* seq : {&numbered, &dated}) {
      for (Candidate& c : *seq) out.push_back({std::move(c.path), c.suffix.gzip});
    }
    return out;
  }
  // Both schemes: each sequence is ordered by its names; interleave them by mtime, which keeps
  // each sequence's own order whatever the mtimes say.
  for (auto* seq : {&numbered, &dated}) {
    for (Candidate& c : *seq) c.mtime_ns = mtime_ns(c.path);
  }
  size_t i = 0, j = 0;
  while (i < numbered.size() || j < dated.size()) {
    const bool take_numbered =
        j == dated.size() || (i < numbered.size() && numbered[i].mtime_ns <= dated[j].mtime_ns);
    Candidate& c = take_numbered ? numbered[i++] : dated[j++];
    out.push_back({std::move(c.path), c.suffix.gzip});
  }
  return out;
}

}  // namespace kj::file
