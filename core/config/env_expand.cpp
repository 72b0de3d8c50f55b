#include "core/config/env_expand.h"

#include <cstdlib>

namespace kj::config {

std::optional<std::string> process_env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

namespace {

bool valid_name(std::string_view n) {
  if (n.empty() || (n[0] >= '0' && n[0] <= '9')) return false;
  for (char c : n) {
    const bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string expand_env(std::string_view value, const EnvLookup& lookup) {
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c != '$') {
      out += c;
      continue;
    }
    if (i + 1 < value.size() && value[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (i + 1 >= value.size() || value[i + 1] != '{') {
      out += c;  // a lone '$' is literal, as in most config languages
      continue;
    }
    const size_t close = value.find('}', i + 2);
    if (close == std::string_view::npos)
      throw std::invalid_argument("unterminated ${ in \"" + std::string(value) + "\"");
    std::string_view body = value.substr(i + 2, close - i - 2);
    std::optional<std::string_view> fallback;
    if (const size_t d = body.find(":-"); d != std::string_view::npos) {
      fallback = body.substr(d + 2);
      body = body.substr(0, d);
    }
    if (!valid_name(body))
      throw std::invalid_argument("invalid variable name \"" + std::string(body) + "\" in ${...}");
    const auto v = lookup(std::string(body));
    if (v && !(v->empty() && fallback)) {
      out += *v;
    } else if (fallback) {
      out += *fallback;
    } else {
      throw std::invalid_argument("environment variable " + std::string(body) +
                                  " is not set (use ${" + std::string(body) +
                                  ":-default} for a default)");
    }
    i = close;
  }
  return out;
}

}  // namespace kj::config
