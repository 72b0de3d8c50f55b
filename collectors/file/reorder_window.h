// Records within a log file are nearly, not exactly, in time order (goroutines race between
// taking the time and writing; CRI stdout/stderr interleave). This window holds the last few
// and hands out the oldest, so a small disorder is sorted while reading streams.
//
// Records that arrive in order (nearly all) go to a FIFO, which is sorted by construction; the
// few that arrive earlier than the FIFO's newest go to a min-heap. The next one out is the
// smaller of the two fronts; equal times leave in arrival order.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace kj::file {

template <typename T>
class ReorderWindow {
 public:
  struct Item {
    int64_t time_ns = 0;
    uint64_t seq = 0;
    size_t bytes = 0;  // what the item counts against the byte limit
    T value{};
  };

  // The window is over its limit, and should give up its oldest item, when it holds more than
  // `max_items` items or more than `max_bytes` bytes.
  ReorderWindow(size_t max_items, size_t max_bytes)
      : max_items_(max_items), max_bytes_(max_bytes), fifo_(16) {}

  void push(int64_t time_ns, size_t bytes, T value) {
    Item item{time_ns, seq_++, bytes, std::move(value)};
    bytes_ += bytes;
    if (fifo_count_ == 0 || time_ns >= fifo_at(fifo_count_ - 1).time_ns) {
      if (fifo_count_ == fifo_.size()) grow_fifo();
      fifo_[(fifo_head_ + fifo_count_) & (fifo_.size() - 1)] = std::move(item);
      ++fifo_count_;
      return;
    }
    heap_.push_back(std::move(item));
    std::push_heap(heap_.begin(), heap_.end(), later);
  }

  bool empty() const { return size() == 0; }
  size_t size() const { return fifo_count_ + heap_.size(); }
  bool over_limit() const { return size() > max_items_ || bytes_ > max_bytes_; }
  // Whether `items` items of `bytes` bytes in all stay within the limits.
  bool fits(size_t items, size_t bytes) const { return items <= max_items_ && bytes <= max_bytes_; }
  // True when nothing in the window is later than `time_ns`: items pushed from then on in time
  // order would leave after everything it holds now, in the order they were pushed.
  bool nothing_after(int64_t time_ns) const {
    return heap_.empty() && (fifo_count_ == 0 || fifo_at(fifo_count_ - 1).time_ns <= time_ns);
  }

  // The oldest item. Not empty().
  const Item& front() const { return from_fifo() ? fifo_[fifo_head_] : heap_.front(); }
  // Removes front().
  void pop() {
    if (from_fifo()) {
      bytes_ -= fifo_[fifo_head_].bytes;
      fifo_head_ = (fifo_head_ + 1) & (fifo_.size() - 1);
      --fifo_count_;
    } else {
      bytes_ -= heap_.front().bytes;
      std::pop_heap(heap_.begin(), heap_.end(), later);
      heap_.pop_back();
    }
  }

 private:
  static bool later(const Item& a, const Item& b) {
    return a.time_ns != b.time_ns ? a.time_ns > b.time_ns : a.seq > b.seq;
  }
  bool from_fifo() const {
    return heap_.empty() || (fifo_count_ != 0 && !later(fifo_[fifo_head_], heap_.front()));
  }
  const Item& fifo_at(size_t i) const { return fifo_[(fifo_head_ + i) & (fifo_.size() - 1)]; }
  void grow_fifo() {  // keeps the size a power of two
    std::rotate(fifo_.begin(), fifo_.begin() + static_cast<std::ptrdiff_t>(fifo_head_),
                fifo_.end());
    fifo_head_ = 0;
    fifo_.resize(fifo_.size() * 2);
  }

  size_t max_items_, max_bytes_;
  std::vector<Item> fifo_;  // ring
  size_t fifo_head_ = 0, fifo_count_ = 0;
  std::vector<Item> heap_;
  size_t bytes_ = 0;
  uint64_t seq_ = 0;
};

}  // namespace kj::file
