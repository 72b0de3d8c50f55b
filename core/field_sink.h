// Hands out a parser's output fields, reusing the strings an earlier record left in the
// vector: fields are the bulk of a structured record's allocations otherwise. Shared by the
// klog text and klog JSON parsers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kj {

class FieldSink {
 public:
  explicit FieldSink(std::vector<std::pair<std::string, std::string>>& fields) : fields_(fields) {}

  std::string& add(std::string_view key) {
    if (used_ == fields_.size()) fields_.emplace_back();
    auto& kv = fields_[used_++];
    kv.first.assign(key);
    kv.second.clear();
    return kv.second;
  }

  // Drops the fields of the earlier record that this one did not reuse.
  void commit() { fields_.resize(used_); }
  void discard() { fields_.clear(); }

 private:
  std::vector<std::pair<std::string, std::string>>& fields_;
  size_t used_ = 0;
};

}  // namespace kj
