// A connection's unwritten output as a list of references to byte strings. An event's frame
// is serialized once and shared by every stream that sends it (SharedBytes), so a stream
// whose reader is slow holds references, never its own copy of the frames. Bytes only one
// connection sends (a response, a hello) are copied into a chunk of its own.
#pragma once

#include <uv.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace jobwire::http {

using SharedBytes = std::shared_ptr<const std::string>;

class OutputQueue {
 public:
  // Queues a reference to `bytes`; they must not change while referenced.
  void push(SharedBytes bytes);
  // Queues a copy of `bytes`, appended to the last chunk when that one is our own copy.
  void push_copy(std::string_view bytes);

  bool empty() const noexcept { return front_ == chunks_.size(); }
  size_t bytes() const noexcept { return bytes_; }
  size_t chunks() const noexcept { return chunks_.size() - front_; }

  // Points `bufs` at the front chunks' unwritten bytes, at most `max_bufs` of them; returns
  // how many were filled. They stay valid until the queue is next changed.
  size_t gather(uv_buf_t* bufs, size_t max_bufs) const;
  // The socket took the first `count` bytes.
  void consume(size_t count);
  // Moves the first `count` chunks out (a write in flight keeps them alive until its
  // callback); their bytes are no longer counted here. Call right after gather().
  std::vector<SharedBytes> take_front(size_t count);
  // Drops every chunk no byte of which was written yet: what is left ends on a boundary
  // of what was pushed. Returns how many bytes were dropped.
  size_t drop_unstarted();
  void clear();

 private:
  struct Chunk {
    SharedBytes bytes;
    size_t offset = 0;          // bytes of it already written
    std::string* own = nullptr;  // set when the chunk is our own copy: more may be appended
  };
  // Our own chunks grow by appending up to this size, then a new one starts.
  static constexpr size_t kOwnChunkBytes = 16 * 1024;
  // Written chunks at the front are erased once there are this many (or none is left).
  static constexpr size_t kCompactAfter = 32;

  void pop_front();

  // A vector with a moving front rather than a deque: an empty vector allocates nothing,
  // where a deque allocates ~600 bytes up front, and most of the server's connections (idle
  // streams) hold nothing most of the time.
  std::vector<Chunk> chunks_;
  size_t front_ = 0;  // chunks_[front_..] are queued
  size_t bytes_ = 0;
};

}  // namespace jobwire::http
