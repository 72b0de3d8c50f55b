#include "core/config/value_syntax.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <array>
#include <limits>
#include <utility>

namespace kj::config {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Leading decimal digits of `text` into `out`; returns how many were read (0: none or
// overflow, with `overflow` set).
size_t read_digits(std::string_view text, uint64_t& out, bool& overflow) {
  out = 0;
  overflow = false;
  size_t i = 0;
  for (; i < text.size() && is_digit(text[i]); ++i) {
    const uint64_t d = static_cast<uint64_t>(text[i] - '0');
    if (out > (std::numeric_limits<uint64_t>::max() - d) / 10) {
      overflow = true;
      return 0;
    }
    out = out * 10 + d;
  }
  return i;
}

std::string in_quotes(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

bool multiply(uint64_t a, uint64_t b, uint64_t& out) {
  if (a != 0 && b > std::numeric_limits<uint64_t>::max() / a) return false;
  out = a * b;
  return true;
}

}  // namespace

Parsed<uint64_t> parse_uint(std::string_view text) {
  uint64_t v = 0;
  bool overflow = false;
  const size_t n = read_digits(text, v, overflow);
  if (overflow) return in_quotes(text) + " is too large";
  if (n == 0 || n != text.size()) return "expected an unsigned integer, got " + in_quotes(text);
  return v;
}

Parsed<std::chrono::milliseconds> parse_duration(std::string_view text) {
  const std::string bad =
      in_quotes(text) +
      " is not a duration (use an integer with ms, s, m or h: 500ms, 1s, 5m, 1m30s)";
  if (text == "0") return std::chrono::milliseconds(0);
  if (text.empty()) return bad;
  struct Unit {
    std::string_view name;
    uint64_t ms;
  };
  // Longest names first so "ms" is not read as "m" followed by garbage.
  static constexpr std::array<Unit, 4> kUnits = {
      {{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}}};
  uint64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    uint64_t n = 0;
    bool overflow = false;
    const size_t digits = read_digits(text.substr(i), n, overflow);
    if (digits == 0) return overflow ? in_quotes(text) + " is too large" : bad;
    i += digits;
    const Unit* unit = nullptr;
    for (const Unit& u : kUnits) {
      if (text.substr(i).starts_with(u.name)) {
        unit = &u;
        break;
      }
    }
    if (!unit) return bad;
    i += unit->name.size();
    uint64_t part = 0;
    if (!multiply(n, unit->ms, part) || total + part < total)
      return in_quotes(text) + " is too large";
    total += part;
  }
  if (total > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
    return in_quotes(text) + " is too large";
  return std::chrono::milliseconds(static_cast<int64_t>(total));
}

std::string format_duration(std::chrono::milliseconds d) {
  const int64_t ms = d.count();
  if (ms == 0) return "0s";
  if (ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

Parsed<uint64_t> parse_size(std::string_view text) {
  const std::string bad = in_quotes(text) +
                          " is not a size (use an integer with B, KB, MB, GB, KiB, MiB or GiB: "
                          "4MiB, 10MB, 65536)";
  uint64_t n = 0;
  bool overflow = false;
  const size_t digits = read_digits(text, n, overflow);
  if (overflow) return in_quotes(text) + " is too large";
  if (digits == 0) return bad;
  std::string_view unit = text.substr(digits);
  if (unit.starts_with(' ')) unit.remove_prefix(1);
  static constexpr std::array<std::pair<std::string_view, uint64_t>, 8> kUnits = {{
      {"", 1},
      {"B", 1},
      {"KB", 1000},
      {"MB", 1000 * 1000},
      {"GB", 1000 * 1000 * 1000},
      {"KiB", uint64_t{1} << 10},
      {"MiB", uint64_t{1} << 20},
      {"GiB", uint64_t{1} << 30},
  }};
  for (const auto& [name, factor] : kUnits) {
    if (unit != name) continue;
    uint64_t bytes = 0;
    if (!multiply(n, factor, bytes)) return in_quotes(text) + " is too large";
    return bytes;
  }
  return bad;
}

std::string format_size(uint64_t bytes) {
  if (bytes == 0) return "0";
  if (bytes % (uint64_t{1} << 30) == 0) return std::to_string(bytes >> 30) + "GiB";
  if (bytes % (uint64_t{1} << 20) == 0) return std::to_string(bytes >> 20) + "MiB";
  if (bytes % (uint64_t{1} << 10) == 0) return std::to_string(bytes >> 10) + "KiB";
  if (bytes % 1'000'000 == 0) return std::to_string(bytes / 1'000'000) + "MB";
  if (bytes % 1000 == 0) return std::to_string(bytes / 1000) + "KB";
  return std::to_string(bytes);
}

std::string check_http_url(std::string_view text) {
  const std::string prefix = "not a URL: " + in_quotes(text);
  Poco::URI uri;
  try {
    uri = Poco::URI(std::string(text));
  } catch (const Poco::Exception& e) {
    return prefix + " (" + e.message() + ")";
  }
  if (uri.getScheme() != "http" && uri.getScheme() != "https")
    return prefix + " (needs http:// or https://)";
  if (uri.getHost().empty()) return prefix + " (no host)";
  if (!uri.getUserInfo().empty())
    return prefix + " (credentials in the URL; use auth.basic or auth.bearer_token_file)";
  if (!uri.getRawQuery().empty() || !uri.getFragment().empty())
    return prefix + " (no query or fragment allowed)";
  return {};
}

std::string check_listen_address(std::string_view text) {
  if (text.empty()) return {};
  const std::string bad =
      in_quotes(text) + " is not a listen address (use host:port, [::1]:port or :port)";
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad;
  std::string_view host = text.substr(0, colon);
  const std::string_view port = text.substr(colon + 1);
  if (host.starts_with('[')) {
    if (!host.ends_with(']') || host.size() < 3) return bad;
  } else if (host.find(':') != std::string_view::npos) {
    return bad;  // an IPv6 address needs brackets
  }
  const auto p = parse_uint(port);
  if (const uint64_t* v = std::get_if<uint64_t>(&p); !v || *v == 0 || *v > 65535)
    return in_quotes(text) + ": port must be 1-65535";
  return {};
}

}  // namespace kj::config
