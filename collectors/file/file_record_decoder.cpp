#include "collectors/file/file_record_decoder.h"

#include <time.h>

#include <utility>

#include "collectors/file/file_identity.h"
#include "core/klog_json_parser.h"
#include "core/klog_parser.h"
#include "core/logrus_parser.h"
#include "core/time_format.h"

namespace kj::file {
namespace {

std::string_view base_name(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view parent_dir(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

// "00".."99": the offset goes into every record's id key, two digits per step.
constexpr char kDigitPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

void append_offset(std::string& out, uint64_t v) {
  char buf[20];
  char* p = buf + sizeof buf;
  while (v >= 100) {
    const auto pair = static_cast<size_t>(v % 100) * 2;
    v /= 100;
    *--p = kDigitPairs[pair + 1];
    *--p = kDigitPairs[pair];
  }
  if (v >= 10) {
    *--p = kDigitPairs[v * 2 + 1];
    *--p = kDigitPairs[v * 2];
  } else {
    *--p = static_cast<char>('0' + v);
  }
  out.append(p, static_cast<size_t>(buf + sizeof buf - p));
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool is_hex(std::string_view s) {
  for (const char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return !s.empty();
}

// Moves `from`'s text to `to` (`from` is overwritten by the next parse). Short text that fits
// `to` is copied: swapping strings that live in their inline buffers copies both buffers, and
// a copy allocates nothing. Longer text swaps buffers, so neither side allocates.
void take_string(std::string& to, std::string& from) {
  constexpr size_t kCopyBelow = 32;
  if (from.size() < kCopyBelow && from.size() <= to.capacity()) {
    to.assign(from);
  } else {
    to.swap(from);
  }
}

// Parses the record with the parser of the format its first line has. JSON and logrus records
// are one physical line by construction; lines that joined them (a raw panic after a JSON line)
// are kept as part of the message instead of failing the parse.
bool parse_record(const GroupedRecord& in, ParsedLine& p) {
  const std::string_view text = in.text;
  const LineFormat start = in.start;
  if (start == LineFormat::klog) return parse_klog(text, in.klog, p);
  const size_t nl = text.find('\n');
  const std::string_view first = text.substr(0, nl);
  bool ok = false;
  switch (start) {
    case LineFormat::klog_json:
      ok = parse_klog_json(first, p);
      break;
    case LineFormat::logrus:
    case LineFormat::logrus_json:
      ok = parse_logrus(first, p);
      break;
    default:
      return false;
  }
  if (ok && nl != std::string_view::npos) p.message.append(text.substr(nl));
  return ok;
}

}  // namespace

std::string component_from_path(std::string_view path) {
  const std::string_view name = base_name(path);
  const std::string_view dir = parent_dir(path);
  const std::string_view dir_name = base_name(dir);
  const std::string_view pod_dir = base_name(parent_dir(dir));

  // /var/log/pods/<namespace>_<pod>_<uid>/<container>/<restarts>.log[rotation suffix]
  const size_t dot = name.find(".log");
  if (dot != std::string_view::npos && all_digits(name.substr(0, dot)) && !dir_name.empty() &&
      pod_dir.find('_') != std::string_view::npos &&
      pod_dir.find('_', pod_dir.find('_') + 1) != std::string_view::npos) {
    return std::string(dir_name);
  }
  // /var/log/containers/<pod>_<namespace>_<container>-<64 hex>.log
  if (dir_name == "containers" && name.ends_with(".log")) {
    const std::string_view stem = name.substr(0, name.size() - 4);
    const size_t last_us = stem.rfind('_');
    const size_t dash = stem.rfind('-');
    if (last_us != std::string_view::npos && dash != std::string_view::npos && dash > last_us &&
        is_hex(stem.substr(dash + 1))) {
      return std::string(stem.substr(last_us + 1, dash - last_us - 1));
    }
  }
  if (dot == std::string_view::npos) return std::string(name);
  std::string_view stem = name.substr(0, dot);
  // klog -log_dir files: <program>.<host>.<user>.log.<SEVERITY>.<time>.<pid>
  const std::string_view after = name.substr(dot + 4);
  for (const std::string_view sev : {".INFO", ".WARNING", ".ERROR", ".FATAL"}) {
    if (after.starts_with(sev)) {
      stem = stem.substr(0, stem.find('.'));
      break;
    }
  }
  return std::string(stem);
}

FileRecordDecoder::FileRecordDecoder(std::string_view zone) : klog_time_(zone) {}

int64_t FileRecordDecoder::now_ns() const {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

void FileRecordDecoder::fill_from_parsed(Record& out) {
  out.severity = parsed_.severity;
  take_string(out.level_raw, parsed_.level_raw);
  take_string(out.message, parsed_.message);
  take_string(out.caller, parsed_.caller);
  std::swap(out.attributes, parsed_.fields);
  out.pid = parsed_.thread_id >= 0 ? parsed_.thread_id : -1;
}

void FileRecordDecoder::decode(GroupedRecord& in, FileContext& ctx, Record& out) {
  out.observed_time_ns = 0;

  const bool parsed = parse_record(in, parsed_);
  int64_t klog_ns = kNoTime;
  if (parsed) {
    fill_from_parsed(out);
    if (parsed_.local_time) {
      // The year comes from the carrier's time when there is one (a CRI line written on
      // Jan 1 carries a Dec 31 klog header), else from the file's mtime or now.
      const int64_t reference = in.time_ns != kNoTime   ? in.time_ns
                                : ctx.reference_ns != 0 ? ctx.reference_ns
                                                        : now_ns();
      klog_ns = klog_time_.resolve(*parsed_.local_time, reference);
    }
  } else {
    out.severity = Severity::unknown;
    out.level_raw.clear();
    out.caller.clear();
    out.attributes.clear();
    out.pid = -1;
    std::swap(out.message, in.text);
  }

  // Event time: the carrier's (CRI / docker) when wrapped, else the record's own, else the
  // previous record's (unrecognized text has none).
  if (in.time_ns != kNoTime) {
    out.time_ns = in.time_ns;
    if (klog_ns != kNoTime) {
      scratch_.clear();
      append_rfc3339_utc_us(scratch_, klog_ns / 1000);
      out.attributes.emplace_back("klog_time", scratch_);
    }
  } else if (parsed && parsed_.time_ns) {
    out.time_ns = *parsed_.time_ns;
  } else if (klog_ns != kNoTime) {
    out.time_ns = klog_ns;
  } else if (ctx.last_time_ns != kNoTime) {
    out.time_ns = ctx.last_time_ns;
  } else {
    out.time_ns = ctx.reference_ns != 0 ? ctx.reference_ns : now_ns();
  }
  ctx.last_time_ns = out.time_ns;

  if (in.stream != LogStream::other) {
    out.attributes.emplace_back("stream", log_stream_name(in.stream));
  }
  if (in.split != Split::none) out.attributes.emplace_back("split", split_name(in.split));

  if (ctx.fill_file_fields) {
    out.unit.clear();
    out.node.clear();
    out.identifier.clear();
    out.component = ctx.component;
    out.source = ctx.path;
    out.position.file = ctx.path;
  }
  out.position.device = ctx.device;
  out.position.inode = ctx.inode;
  out.position.offset = in.offset;
  // Position::cursor carries the record id key: the formatter derives `id` from it, and it is
  // what a file checkpoint needs to find the record again.
  if (ctx.key_prefix.empty() || ctx.key_device != ctx.device || ctx.key_inode != ctx.inode ||
      ctx.key_fingerprint != ctx.fingerprint) {
    ctx.key_prefix.clear();
    append_record_key(ctx.key_prefix, ctx.device, ctx.inode, ctx.fingerprint, 0);
    ctx.key_prefix.pop_back();  // the offset "0"
    ctx.key_device = ctx.device;
    ctx.key_inode = ctx.inode;
    ctx.key_fingerprint = ctx.fingerprint;
  }
  out.position.cursor.assign(ctx.key_prefix);
  append_offset(out.position.cursor, in.offset);
}

}  // namespace kj::file
