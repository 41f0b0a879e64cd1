// A connection's subscription to the core: its wakeups (from a core thread) post the
// connection's id to the mailbox, at most once until the loop takes, and the loop takes.
//
// The loop never reads the store: when the next take would read the log (a stream resuming
// from an older cursor, or catching up after an overflow), that take runs on libuv's thread
// pool, and what it returns is handed out from a buffer here, in chunks, once it is back.
// The cursor a stream reports (heartbeat, gap, long-poll answer) is the last seq handed to
// it, never one the pool has read ahead, so a client that resumes from it misses nothing.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>

#include "jobwire/core.h"

namespace jobwire::http {

class ServerLoop;

class StreamSubscription {
 public:
  // Subscribes connection `id` after `after` (absent: from the head) with `filter`.
  static Result<std::unique_ptr<StreamSubscription>> open(ServerLoop& server, uint64_t id, std::optional<int64_t> after,
                                            EventFilter filter);
  ~StreamSubscription();
  StreamSubscription(const StreamSubscription&) = delete;
  StreamSubscription& operator=(const StreamSubscription&) = delete;

  // Takes up to `max` events (loop thread). Returns none while a read of the log runs on
  // the pool; the connection is posted ready when it is back.
  Delivery take(size_t max);
  bool ready() const;
  // The last seq handed to the stream.
  int64_t cursor() const { return handed_; }
  // The stream's socket stopped taking bytes: drop the queue (Subscription::shed).
  void shed() { subscription_->shed(); }

  // The events one read of the log on the pool takes.
  static constexpr size_t kPoolTake = 512;

  // What a read on the pool returned, and whether one is running: shared with that read,
  // which may outlive this object.
  struct Fetch {
    bool running = false;    // loop thread only
    bool abandoned = false;  // the stream went away meanwhile: the read's return closes the subscription
    Delivery delivery;       // written by the pool thread while running, else the loop's
    size_t next = 0;         // the first event of `delivery` not yet handed out
  };

 private:
  StreamSubscription(ServerLoop& server, uint64_t id, std::shared_ptr<Subscription> subscription,
                     std::shared_ptr<std::atomic<bool>> posted)
      : server_(server),
        id_(id),
        subscription_(std::move(subscription)),
        posted_(std::move(posted)),
        handed_(subscription_->cursor()) {}

  bool holds_fetched() const;
  Delivery hand_out_fetched(size_t max);
  void read_on_pool();

  ServerLoop& server_;
  const uint64_t id_;
  std::shared_ptr<Subscription> subscription_;
  // Set when a wakeup was posted and not yet taken: merges the wakeups of a busy stream.
  std::shared_ptr<std::atomic<bool>> posted_;
  std::shared_ptr<Fetch> fetch_ = std::make_shared<Fetch>();
  int64_t handed_;
};

}  // namespace jobwire::http
