#include "exporters/elasticsearch/elasticsearch_index.h"

#include <stdexcept>

#include "core/time_format.h"

namespace kj::exporters {
namespace {

constexpr int64_t kNsPerDay = int64_t{86'400} * 1'000'000'000;

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

void append_padded(std::string& out, int value, int width) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  if (value < 0) out += '-';
  for (int i = static_cast<int>(digits.size()); i < width; ++i) out += '0';
  out += digits;
}

}  // namespace

std::string index_name_problem(std::string_view name) {
  if (name.empty()) return "is empty";
  if (name == "." || name == "..") return "is \".\" or \"..\"";
  if (name.size() > 255) return "is longer than 255 bytes";
  if (name.front() == '-' || name.front() == '_' || name.front() == '+')
    return std::string("starts with '") + name.front() + "'";
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') return "contains an upper case letter";
    switch (c) {
      case '\\':
      case '/':
      case '*':
      case '?':
      case '"':
      case '<':
      case '>':
      case '|':
      case ',':
      case '#':
      case ':':
      case ' ':
        return std::string("contains '") + c + "'";
      default:
        if (static_cast<unsigned char>(c) < 0x20) return "contains a control character";
    }
  }
  return {};
}

IndexPattern::IndexPattern(std::string pattern) : pattern_(std::move(pattern)) {
  for (size_t i = 0; i < pattern_.size(); ++i) {
    if (pattern_[i] != '%') continue;
    const char next = i + 1 < pattern_.size() ? pattern_[i + 1] : '\0';
    if (next == 'Y' || next == 'm' || next == 'd') {
      dated_ = true;
    } else if (next != '%') {
      throw std::invalid_argument("index \"" + pattern_ +
                                  "\": only %Y, %m, %d and %% may follow '%'");
    }
    ++i;
  }
  // 2025-11-27 stands for every date: the digits are all the expansion adds.
  const std::string sample = expand(20'419);
  if (auto problem = index_name_problem(sample); !problem.empty())
    throw std::invalid_argument("index \"" + pattern_ + "\" " + problem +
                                ", which Elasticsearch refuses in an index name");
}

std::string IndexPattern::expand(int64_t day) const {
  const CivilTime t = civil_from_unix_seconds(day * 86'400);
  std::string out;
  out.reserve(pattern_.size() + 8);
  for (size_t i = 0; i < pattern_.size(); ++i) {
    if (pattern_[i] != '%' || i + 1 == pattern_.size()) {
      out += pattern_[i];
      continue;
    }
    switch (pattern_[++i]) {
      case 'Y':
        append_padded(out, t.year, 4);
        break;
      case 'm':
        append_padded(out, t.month, 2);
        break;
      case 'd':
        append_padded(out, t.day, 2);
        break;
      default:
        out += pattern_[i];  // %%
    }
  }
  return out;
}

const std::string& IndexPattern::name_for(int64_t time_ns) {
  const int64_t day = dated_ ? floor_div(time_ns, kNsPerDay) : 0;
  if (day != cached_day_ || cached_.empty()) {
    cached_ = expand(day);
    cached_day_ = day;
  }
  return cached_;
}

}  // namespace kj::exporters
