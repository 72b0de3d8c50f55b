// libFuzzer target for parse_cri, parse_rfc3339_ns, detect_format on CRI lines, and the
// CriReassembler driven by a sequence of lines.
// clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -I. fuzz/cri_parser_fuzz.cpp \
//   core/cri_parser.cpp core/rfc3339.cpp core/line_format.cpp core/logrus_level.cpp \
//   core/severity.cpp core/time_format.cpp -o /tmp/cri_fuzz
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/cri_parser.h"
#include "core/line_format.h"
#include "core/rfc3339.h"
#include "core/time_format.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

int two(std::string_view s, size_t at) {
  return (s[at] - '0') * 10 + (s[at + 1] - '0');
}

// A parsed time, turned back into calendar fields in its own offset, must show the digits it
// was parsed from (catches calendar and offset arithmetic errors).
void check_time_round_trip(std::string_view text, int64_t ns) {
  int64_t secs = ns / 1'000'000'000, nanos = ns % 1'000'000'000;
  if (nanos < 0) {
    nanos += 1'000'000'000;
    secs -= 1;
  }
  size_t zone = text.find_first_of("Z+-", 19);
  check(zone != std::string_view::npos);
  int offset = 0;
  if (text[zone] != 'Z') {
    offset = (two(text, zone + 1) * 60 + two(text, zone + 4)) * 60;
    if (text[zone] == '-') offset = -offset;
  }
  const kj::CivilTime c = kj::civil_from_unix_seconds(secs + offset);
  check(c.year == two(text, 0) * 100 + two(text, 2));
  check(c.month == two(text, 5) && c.day == two(text, 8));
  check(c.hour == two(text, 11) && c.minute == two(text, 14) && c.second == two(text, 17));
  int64_t frac = 0, scale = 100'000'000;
  for (size_t i = 20; text[19] == '.' && i < zone && scale > 0; ++i, scale /= 10) {
    frac += (text[i] - '0') * scale;
  }
  check(frac == nanos);
}

struct StreamState {
  std::string sent, received;
  bool in_cut = false;  // the last record of this stream was cut
  uint64_t origin = 0;
  uint32_t piece = 0;
};

void check_records(std::span<const kj::JoinedLine> lines, size_t cap, StreamState* states,
                   bool flushing) {
  for (const auto& l : lines) {
    check(l.content.size() <= cap);
    check(!l.unterminated || flushing);
    check(!(l.cut && l.unterminated));
    StreamState& s = states[static_cast<size_t>(l.stream)];
    if (s.in_cut) {
      // The continuation of a cut line: same identity, next piece.
      check(l.origin == s.origin && l.piece == s.piece + 1);
    } else {
      check(l.piece == 0);
    }
    if (l.cut) check(l.content.size() == cap);
    s.in_cut = l.cut;
    s.origin = l.origin;
    s.piece = l.piece;
    s.received.append(l.content);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  // Every line of the input, parsed on its own.
  size_t cap = 1;
  if (!input.empty()) cap = 1 + static_cast<unsigned char>(input[0]) % 48;
  kj::CriReassembler r(cap);
  StreamState states[3];
  uint64_t offset = 0;
  size_t start = 0;
  while (start <= input.size()) {
    size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    const std::string_view line = input.substr(start, end - start);
    offset = start;
    start = end + 1;

    if (!line.empty() && line[0] == '!') {
      // A control line: flush one stream or all, as rotation / EOF / idle timeout would.
      const auto which = line.size() > 1 ? static_cast<unsigned char>(line[1]) % 4 : 3;
      const auto flushed = which < 3 ? r.flush(static_cast<kj::LogStream>(which)) : r.flush_all();
      check_records(flushed, cap, states, true);
      continue;
    }

    kj::CriLine c;
    if (!kj::parse_cri(line, c)) {
      // Whatever the detector thinks, it must never make a valid CRI line unknown; the
      // converse is not required (it checks the shape only).
      continue;
    }
    check(kj::detect_format(line) == kj::LineFormat::cri);
    check(c.stream == "stdout" || c.stream == "stderr");
    check(!c.tags.empty() && (c.tags[0] == 'P' || c.tags[0] == 'F'));
    check(c.partial == (c.tags[0] == 'P'));
    check(c.tags.size() == 1 || c.tags[1] == ':');
    check(c.content.data() >= line.data() &&
          c.content.data() + c.content.size() <= line.data() + line.size());
    const std::string_view time_text = line.substr(0, line.find(' '));
    check(kj::parse_rfc3339_ns(time_text) == c.time_ns);
    check_time_round_trip(time_text, c.time_ns);

    const kj::LogChunk chunk = kj::to_chunk(c, offset);
    states[static_cast<size_t>(chunk.stream)].sent.append(chunk.content);
    check_records(r.add(chunk), cap, states, false);
    // A checkpoint may only pass what is no longer pending.
    if (auto oldest = r.oldest_pending_origin()) {
      check(r.pending(kj::LogStream::stdout_stream) || r.pending(kj::LogStream::stderr_stream));
      check(*oldest <= offset);
    }
  }
  check_records(r.flush_all(), cap, states, true);
  check(!r.oldest_pending_origin());
  // Nothing lost, nothing duplicated, per stream.
  for (const auto& s : states) check(s.sent == s.received);

  // The timestamp parser on the raw input too, with both separator rules.
  const std::string_view head = input.substr(0, 64);
  for (bool blank : {false, true}) {
    if (auto ns = kj::parse_rfc3339_ns(head, {.allow_blank_separator = blank})) {
      std::string normalized(head);
      normalized[10] = 'T';
      check(kj::parse_rfc3339_ns(normalized) == ns);
      check_time_round_trip(normalized, *ns);
    }
  }
  return 0;
}
