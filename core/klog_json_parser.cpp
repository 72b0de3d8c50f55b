#include "core/klog_json_parser.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/field_sink.h"
#include "core/json_scanner.h"

namespace kj {
namespace {

// Nesting allowed inside one member value; zap output nests a few levels, and a bound keeps
// the recursive validator's stack use small on hostile input.
constexpr JsonNestingLimit kNesting{.depth = 512, .containers_only = true};

constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Exact `ts` decoding (FORMATS.md §3.1, §10): the JSON number text, already validated, is
// D * 10^E with D its significant digits; nanoseconds are the leading digits of D shifted by
// E + 6 (milliseconds) or E + 9 (seconds), floored. nullopt when that does not fit in int64.
std::optional<int64_t> ts_text_to_ns(std::string_view t) {
  size_t k = 0;
  const bool negative = t[0] == '-';
  if (negative) ++k;
  const size_t int_begin = k;
  while (k < t.size() && is_digit(t[k])) ++k;
  const std::string_view int_digits = t.substr(int_begin, k - int_begin);
  std::string_view frac_digits;
  if (k < t.size() && t[k] == '.') {
    const size_t frac_begin = ++k;
    while (k < t.size() && is_digit(t[k])) ++k;
    frac_digits = t.substr(frac_begin, k - frac_begin);
  }
  int64_t exponent = 0;
  if (k < t.size() && (t[k] == 'e' || t[k] == 'E')) {
    ++k;
    bool exp_negative = false;
    if (t[k] == '+' || t[k] == '-') exp_negative = t[k++] == '-';
    // Saturate: anything beyond a few hundred digits either way is zero or overflow anyway,
    // and the bound keeps the arithmetic below far from int64 limits.
    for (; k < t.size(); ++k) {
      if (exponent < 100'000'000) exponent = exponent * 10 + (t[k] - '0');
    }
    if (exp_negative) exponent = -exponent;
  }

  const size_t total = int_digits.size() + frac_digits.size();
  auto digit = [&](size_t idx) {
    return idx < int_digits.size() ? int_digits[idx] : frac_digits[idx - int_digits.size()];
  };
  size_t lead = 0;
  while (lead < total && digit(lead) == '0') ++lead;
  if (lead == total) return 0;
  const auto sig = static_cast<int64_t>(total - lead);
  // value = 0.d1d2... * 10^magnitude, so value >= 1e11 exactly when magnitude >= 12.
  const int64_t magnitude = sig + exponent - static_cast<int64_t>(frac_digits.size());
  const int scale = (!negative && magnitude >= 12) ? 6 : 9;
  // Integer digits of the result: the first `keep` significant digits, zero padded.
  const int64_t keep = magnitude + scale;
  if (keep > 19) return std::nullopt;
  uint64_t ns = 0;  // at most 19 digits: below 10^19 < 2^64
  for (int64_t d = 0; d < keep; ++d) {
    ns =
        ns * 10 + (d < sig ? static_cast<uint64_t>(digit(lead + static_cast<size_t>(d)) - '0') : 0);
  }
  bool dropped_nonzero = false;
  for (int64_t d = keep < 0 ? 0 : keep; d < sig && !dropped_nonzero; ++d) {
    dropped_nonzero = digit(lead + static_cast<size_t>(d)) != '0';
  }
  constexpr auto kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (!negative) {
    if (ns > kMax) return std::nullopt;
    return static_cast<int64_t>(ns);
  }
  // Floor: -1.5 ns is -2 ns. The most negative result is -(kMax + 1).
  const uint64_t magnitude_ns = ns + (dropped_nonzero ? 1 : 0);
  if (magnitude_ns > kMax + 1) return std::nullopt;
  if (magnitude_ns == kMax + 1) return std::numeric_limits<int64_t>::min();
  return -static_cast<int64_t>(magnitude_ns);
}

// `v` as zapr writes it: a JSON integer. nullopt for anything else (fractions, exponents,
// values outside int).
std::optional<int> verbosity_from_text(std::string_view t) {
  size_t k = 0;
  const bool negative = !t.empty() && t[0] == '-';
  if (negative) ++k;
  if (k >= t.size()) return std::nullopt;
  int64_t v = 0;
  for (; k < t.size(); ++k) {
    if (!is_digit(t[k])) return std::nullopt;
    v = v * 10 + (t[k] - '0');
    if (v > std::numeric_limits<int>::max()) return std::nullopt;
  }
  return static_cast<int>(negative ? -v : v);
}

bool parse_object(std::string_view line, ParsedLine& out) {
  JsonScanner sc(line, kNesting);
  sc.skip_ws();
  if (!sc.take('{')) return false;
  sc.skip_ws();

  FieldSink sink(out.fields);
  bool has_msg = false, has_ts = false, has_v = false;
  std::string key_scratch;
  JsonValueSpan span;

  if (!sc.take('}')) {
    while (true) {
      std::string_view key;
      if (!sc.read_member_name(key, key_scratch)) return false;

      const bool is_string = sc.peek_is('"');
      // The record's own members; the last occurrence wins, as in a JSON object.
      std::string* target = nullptr;
      if (key == "msg") {
        has_msg = true;
        target = &out.message;
      } else if (key == "caller") {
        target = &out.caller;
      }
      if (target != nullptr) {
        target->clear();
        if (is_string) {
          if (!sc.read_string(*target)) return false;
        } else {
          if (!sc.skip_value(span)) return false;
          sc.append_compact(span, JsonStringText::as_written, *target);
        }
      } else if (key == "ts" && !is_string && !sc.peek_is('{') && !sc.peek_is('[')) {
        if (!sc.skip_value(span)) return false;
        if (span.kind == '-' || is_digit(span.kind)) {
          has_ts = true;
          out.time_ns = ts_text_to_ns(sc.text(span));
        } else {
          sink.add(key).assign(sc.text(span));  // true / false / null: not a time
        }
      } else if (key == "v") {
        if (!sc.skip_value(span)) return false;
        has_v = true;
        out.level_raw.assign("v=");
        sc.append_compact(span, JsonStringText::as_written, out.level_raw);
        out.verbosity.reset();
        if (span.kind == '-' || is_digit(span.kind))
          out.verbosity = verbosity_from_text(sc.text(span));
      } else {
        std::string& value = sink.add(key);
        if (is_string) {
          if (!sc.read_string(value)) return false;
        } else {
          if (!sc.skip_value(span)) return false;
          sc.append_compact(span, JsonStringText::as_written, value);
        }
      }

      sc.skip_ws();
      if (sc.take('}')) break;
      if (!sc.take(',')) return false;
      sc.skip_ws();
    }
  }
  sc.skip_ws();
  if (!sc.at_end() || (!has_msg && !has_ts)) return false;

  sink.commit();
  out.format = LineFormat::klog_json;
  if (has_v) {
    // Any `v` marks an Info call (FORMATS.md §3.2); only an integer is a verbosity.
    out.severity = out.verbosity ? severity_from_klog_verbosity(*out.verbosity) : Severity::info;
  } else {
    out.severity = Severity::error;
    out.level_raw.assign("(no v key)");
  }
  return true;
}

}  // namespace

bool parse_klog_json(std::string_view line, ParsedLine& out) {
  auto fields = std::move(out.fields);
  out.clear();
  out.fields = std::move(fields);
  if (parse_object(line, out)) return true;
  out.clear();
  return false;
}

}  // namespace kj
