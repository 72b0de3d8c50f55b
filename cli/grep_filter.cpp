#include "cli/grep_filter.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <cctype>

namespace kj::cli {

struct GrepFilter::Impl {
  pcre2_code* code = nullptr;
  pcre2_match_data* md = nullptr;
  ~Impl() {
    if (md) pcre2_match_data_free(md);
    if (code) pcre2_code_free(code);
  }
};

GrepFilter::GrepFilter(const std::string& pattern, std::optional<bool> case_sensitive)
    : impl_(std::make_unique<Impl>()) {
  bool sensitive = false;
  if (case_sensitive) {
    sensitive = *case_sensitive;
  } else {
    for (unsigned char c : pattern)
      if (std::isupper(c)) sensitive = true;
  }
  // MATCH_INVALID_UTF: journal messages may hold arbitrary bytes and must not make the
  // match fail with an error.
  uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | (sensitive ? 0 : PCRE2_CASELESS);
  int err = 0;
  PCRE2_SIZE at = 0;
  impl_->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), opts,
                              &err, &at, nullptr);
  if (!impl_->code) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(err, msg, sizeof msg);
    throw std::invalid_argument("bad --grep pattern \"" + pattern + "\" at offset " +
                                std::to_string(at) + ": " + reinterpret_cast<char*>(msg));
  }
  pcre2_jit_compile(impl_->code, PCRE2_JIT_COMPLETE);  // optional speed-up; falls back if absent
  impl_->md = pcre2_match_data_create_from_pattern(impl_->code, nullptr);
}

GrepFilter::~GrepFilter() = default;

bool GrepFilter::matches(std::string_view text) const {
  return pcre2_match(impl_->code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0, 0,
                     impl_->md, nullptr) >= 0;
}

}  // namespace kj::cli
