#include "http/output_queue.h"

#include <algorithm>

namespace jobwire::http {

void OutputQueue::push(SharedBytes bytes) {
  if (!bytes || bytes->empty()) return;
  bytes_ += bytes->size();
  chunks_.push_back(Chunk{std::move(bytes), 0, nullptr});
}

void OutputQueue::push_copy(std::string_view bytes) {
  if (bytes.empty()) return;
  bytes_ += bytes.size();
  // Small pieces (a WebSocket header, then its payload) share one allocation.
  if (!empty() && chunks_.back().own && chunks_.back().own->size() + bytes.size() <= kOwnChunkBytes) {
    chunks_.back().own->append(bytes);
    return;
  }
  auto own = std::make_shared<std::string>(bytes);
  std::string* raw = own.get();
  chunks_.push_back(Chunk{std::move(own), 0, raw});
}

size_t OutputQueue::gather(uv_buf_t* bufs, size_t max_bufs) const {
  size_t filled = 0;
  for (auto it = chunks_.begin() + static_cast<std::ptrdiff_t>(front_); it != chunks_.end() && filled < max_bufs;
       ++it, ++filled) {
    bufs[filled] = uv_buf_init(const_cast<char*>(it->bytes->data() + it->offset),
                               static_cast<unsigned>(it->bytes->size() - it->offset));
  }
  return filled;
}

void OutputQueue::consume(size_t count) {
  bytes_ -= std::min(count, bytes_);
  while (count > 0 && !empty()) {
    Chunk& front = chunks_[front_];
    size_t left = front.bytes->size() - front.offset;
    if (count < left) {
      front.offset += count;
      front.own = nullptr;  // partly written: gathered pointers must not move under a write
      return;
    }
    count -= left;
    pop_front();
  }
}

std::vector<SharedBytes> OutputQueue::take_front(size_t count) {
  std::vector<SharedBytes> taken;
  taken.reserve(count);
  for (size_t i = 0; i < count && !empty(); ++i) {
    Chunk& front = chunks_[front_];
    bytes_ -= front.bytes->size() - front.offset;
    taken.push_back(std::move(front.bytes));
    pop_front();
  }
  return taken;
}

size_t OutputQueue::drop_unstarted() {
  size_t keep = front_ + (!empty() && chunks_[front_].offset > 0 ? 1 : 0);
  size_t dropped = 0;
  while (chunks_.size() > keep) {
    dropped += chunks_.back().bytes->size();
    chunks_.pop_back();
  }
  bytes_ -= dropped;
  if (empty()) clear();
  return dropped;
}

void OutputQueue::clear() {
  chunks_.clear();
  front_ = 0;
  bytes_ = 0;
}

void OutputQueue::pop_front() {
  chunks_[front_++].bytes.reset();
  if (empty()) {
    chunks_.clear();  // keeps the capacity: the next push allocates nothing
    front_ = 0;
  } else if (front_ >= kCompactAfter) {
    chunks_.erase(chunks_.begin(), chunks_.begin() + static_cast<std::ptrdiff_t>(front_));
    front_ = 0;
  }
}

}  // namespace jobwire::http
