#include "cli/record_formatter.h"

#include <unistd.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/json_writer.h"

namespace kj::cli {
namespace {

const char* color_of(Severity s) {
  switch (s) {
    case Severity::error:
    case Severity::critical:
    case Severity::alert:
    case Severity::emergency:
    case Severity::fatal:
    case Severity::panic:
      return "\x1b[0;1;31m";
    case Severity::warning:
      return "\x1b[0;1;33m";
    case Severity::notice:
      return "\x1b[0;1;39m";
    case Severity::debug:
    case Severity::trace:
      return "\x1b[0;38;5;245m";
    default:
      return nullptr;
  }
}

// Terminal text: valid UTF-8, control bytes other than tab shown as \xNN so a binary field
// cannot move the cursor or change colours; continuation lines indented under the message.
void append_terminal_text(std::string& out, std::string_view s, size_t indent) {
  static constexpr char kHex[] = "0123456789abcdef";
  // Printable ASCII (nearly every message) passes through unchanged: test it in one pass
  // instead of copying it twice and appending byte by byte.
  if (std::all_of(s.begin(), s.end(), [](char ch) {
        const auto c = static_cast<unsigned char>(ch);
        return c >= 0x20 && c < 0x7f;
      })) {
    out.append(s);
    return;
  }
  std::string valid;
  json::append_valid_utf8(valid, s);
  for (unsigned char c : valid) {
    if (c == '\n') {
      out.push_back('\n');
      out.append(indent, ' ');
    } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
      out.append("\\x");
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
}

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

}  // namespace

void append_attributes_text(std::string& out, const Record& r) {
  for (const auto& [k, v] : r.attributes) {
    if (k == "klog_time") continue;
    out.push_back(' ');
    out.append(k);
    out.push_back('=');
    // JSON values (klog writes structs and lists as JSON) read best as they are.
    bool bare = !v.empty();
    const bool json_value = v.size() >= 2 && ((v.front() == '{' && v.back() == '}') ||
                                              (v.front() == '[' && v.back() == ']'));
    for (unsigned char c : json_value ? std::string_view() : std::string_view(v)) {
      if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c >= 0x7f) {
        bare = false;
        break;
      }
    }
    if (bare) {
      out.append(v);
    } else {
      json::append_string(out, v);
    }
  }
}

std::optional<OutputMode> parse_output_mode(std::string_view n) {
  if (n == "short") return OutputMode::short_;
  if (n == "short-iso") return OutputMode::short_iso;
  if (n == "short-precise") return OutputMode::short_precise;
  if (n == "json") return OutputMode::json;
  if (n == "json-pretty") return OutputMode::json_pretty;
  if (n == "cat") return OutputMode::cat;
  return std::nullopt;
}

bool is_json(OutputMode m) {
  return m == OutputMode::json || m == OutputMode::json_pretty;
}

RecordFormatter::RecordFormatter(FormatOptions opts) : opts_(std::move(opts)), clock_(opts_.utc) {
  char host[256] = {};
  host_ = gethostname(host, sizeof host - 1) == 0 && host[0] ? host : "localhost";
  bool any = false;
  for (size_t i = 0; i < std::size(kJsonKeys); ++i) {
    keep_[i] = opts_.fields.empty();
    for (const auto& f : opts_.fields) {
      if (f == kJsonKeys[i]) keep_[i] = any = true;
    }
  }
  // Only journal field names given: keep the schema and add them as attributes.
  if (!opts_.fields.empty() && !any) keep_.set();
}

void RecordFormatter::append(std::string& out, const Record& r) {
  switch (opts_.mode) {
    case OutputMode::cat:
      append_terminal_text(out, r.message, 0);
      if (!r.attributes.empty()) {
        scratch_.clear();
        append_attributes_text(scratch_, r);
        append_terminal_text(out, scratch_, 0);
      }
      out.push_back('\n');
      return;
    case OutputMode::json:
      json_.append(out, r, keep_);
      out.push_back('\n');
      return;
    case OutputMode::json_pretty:
      // For people reading one record at a time; not a throughput path.
      scratch_.clear();
      append_record_json(scratch_, r, keep_);
      out.append(nlohmann::json::parse(scratch_).dump(4));
      out.push_back('\n');
      return;
    default:
      append_short(out, r);
  }
}

void RecordFormatter::append_short(std::string& out, const Record& r) {
  const size_t line_start = out.size();
  const int64_t us = floor_div(r.time_ns, 1000);
  const int64_t secs = floor_div(us, 1000000);
  const CivilTime& t = clock_.at(secs);
  if (opts_.mode == OutputMode::short_iso) {
    append_iso_time(out, t);
  } else {
    append_syslog_time(out, t);
    if (opts_.mode == OutputMode::short_precise) append_micros(out, us);
  }
  out.push_back(' ');
  // Log file records carry no host or process name: show this host and the component.
  out.append(r.node.empty() ? std::string_view(host_) : std::string_view(r.node));
  out.push_back(' ');
  const std::string& ident = !r.identifier.empty() ? r.identifier : r.component;
  append_terminal_text(out, ident.empty() ? std::string_view("unknown") : ident, 0);
  if (r.pid >= 0) {
    out.push_back('[');
    json::append_int(out, r.pid);
    out.push_back(']');
  }
  out.append(": ");
  const char* color = opts_.color ? color_of(r.severity) : nullptr;
  if (color) out.append(color);
  out.append(severity_short(r.severity));
  out.push_back(' ');
  if (!r.caller.empty()) {
    out.append(r.caller);
    out.append("] ");
  }
  const size_t indent = out.size() - line_start - (color ? std::string_view(color).size() : 0);
  append_terminal_text(out, r.message, indent);
  if (!r.attributes.empty()) {
    scratch_.clear();
    append_attributes_text(scratch_, r);
    append_terminal_text(out, scratch_, indent);
  }
  if (color) out.append("\x1b[0m");
  out.push_back('\n');
}

}  // namespace kj::cli
