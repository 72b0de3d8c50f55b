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
  using Fields = std::vector<std::pair<std::string, std::string>>;

  explicit FieldSink(Fields& fields) : fields_(fields) {}
  // With `spare`: fields beyond the ones used are moved there by commit() and taken from there
  // by add(), so their strings keep their buffers (ParsedLine::spare_fields).
  FieldSink(Fields& fields, Fields& spare) : fields_(fields), spare_(&spare) {}

  std::string& add(std::string_view key) {
    if (used_ == fields_.size()) {
      if (spare_ != nullptr && !spare_->empty()) {
        fields_.push_back(std::move(spare_->back()));
        spare_->pop_back();
      } else {
        fields_.emplace_back();
      }
    }
    auto& kv = fields_[used_++];
    kv.first.assign(key);
    kv.second.clear();
    return kv.second;
  }

  // Drops the fields of the earlier record that this one did not reuse.
  void commit() {
    if (spare_ != nullptr) recycle(fields_, *spare_, used_);
    fields_.resize(used_);
  }

  // Moves fields[keep, size) whose strings own heap buffers to `spare` (up to a bound, so one
  // odd record cannot pin memory) and shrinks `fields` to `keep`. Strings short enough for
  // their inline buffer cost nothing to make again, so only the others are worth moving.
  static void recycle(Fields& fields, Fields& spare, size_t keep) {
    if (fields.size() > keep) recycle_tail(fields, spare, keep);
  }
  void discard() { fields_.clear(); }

 private:
  static void recycle_tail(Fields& fields, Fields& spare, size_t keep) {
    constexpr size_t kMaxSpare = 64;
    const size_t inline_capacity = std::string().capacity();
    for (size_t i = keep; i < fields.size() && spare.size() < kMaxSpare; ++i) {
      auto& kv = fields[i];
      if (kv.first.capacity() > inline_capacity || kv.second.capacity() > inline_capacity) {
        spare.push_back(std::move(kv));
      }
    }
    fields.resize(keep);
  }

  std::vector<std::pair<std::string, std::string>>& fields_;
  Fields* spare_ = nullptr;
  size_t used_ = 0;
};

}  // namespace kj
