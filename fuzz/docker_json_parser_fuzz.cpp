// libFuzzer target for parse_docker_json: differential against nlohmann::json (same accept /
// reject decision, same decoded members), plus reassembly of the chunks through
// CriReassembler and detect_format on accepted lines.
// clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -I. \
//   fuzz/docker_json_parser_fuzz.cpp core/docker_json_parser.cpp core/cri_parser.cpp \
//   core/rfc3339.cpp core/line_format.cpp core/logrus_level.cpp core/severity.cpp \
//   core/time_format.cpp -o /tmp/docker_fuzz
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/docker_json_parser.h"
#include "core/line_format.h"
#include "core/rfc3339.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

// What parse_docker_json should say, computed the slow, obvious way.
struct Reference {
  bool ok = false;
  int64_t time_ns = 0;
  std::string log, stream;
  bool partial = false;
  nlohmann::json attrs;
  bool has_attrs = false;
};

Reference reference(std::string_view line) {
  Reference ref;
  // nlohmann stops at a NUL byte outside a string (and rejects one inside): a line with a raw
  // NUL is never valid JSON.
  if (line.find('\0') != std::string_view::npos) return ref;
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
  } catch (...) {
    return ref;
  }
  if (!doc.is_object()) return ref;
  const auto time = doc.find("time");
  if (time == doc.end() || !time->is_string()) return ref;
  const auto ns = kj::parse_rfc3339_ns(time->get<std::string>());
  if (!ns) return ref;
  const auto log = doc.find("log");
  const auto stream = doc.find("stream");
  if (log == doc.end() && stream == doc.end()) return ref;
  if (log != doc.end() && !log->is_string()) return ref;
  if (stream != doc.end() && !stream->is_string()) return ref;
  ref.ok = true;
  ref.time_ns = *ns;
  if (log != doc.end()) ref.log = log->get<std::string>();
  if (stream != doc.end()) ref.stream = stream->get<std::string>();
  ref.partial = ref.log.empty() || ref.log.back() != '\n';
  if (!ref.partial) ref.log.pop_back();
  if (auto attrs = doc.find("attrs"); attrs != doc.end()) {
    ref.attrs = *attrs;
    ref.has_attrs = true;
  }
  return ref;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  // The whole input as one line: differential check.
  kj::DockerLine d;
  const bool ok = kj::parse_docker_json(input, d);
  const Reference ref = reference(input);
  check(ok == ref.ok);
  if (ok) {
    check(d.time_ns == ref.time_ns);
    check(d.log == ref.log);
    check(d.stream == ref.stream);
    check(d.partial == ref.partial);
    check(d.attrs.empty() == !ref.has_attrs);
    if (ref.has_attrs) check(nlohmann::json::parse(d.attrs) == ref.attrs);
    // A Docker line may be detected as docker-json or, when it also has a klog-json or logrus
    // key, as that; never as text.
    const kj::LineFormat f = kj::detect_format(input);
    check(f == kj::LineFormat::docker_json || f == kj::LineFormat::klog_json ||
          f == kj::LineFormat::logrus_json || f == kj::LineFormat::unknown);
  }

  // Then as a sequence of lines reassembled with a small cap: nothing lost, no record over it.
  const size_t cap = input.empty() ? 1 : 1 + static_cast<unsigned char>(input[0]) % 32;
  kj::CriReassembler r(cap);
  std::string sent[3], received[3];
  auto take = [&](std::span<const kj::JoinedLine> lines) {
    for (const auto& l : lines) {
      check(l.content.size() <= cap);
      received[static_cast<size_t>(l.stream)].append(l.content);
    }
  };
  size_t start = 0;
  while (start < input.size()) {
    size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    if (kj::parse_docker_json(input.substr(start, end - start), d)) {
      const kj::LogChunk chunk = kj::to_chunk(d, start);
      sent[static_cast<size_t>(chunk.stream)].append(chunk.content);
      take(r.add(chunk));
    }
    start = end + 1;
  }
  take(r.flush_all());
  for (size_t s = 0; s < 3; ++s) check(sent[s] == received[s]);
  return 0;
}
