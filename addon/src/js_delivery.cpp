#include "js_delivery.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace jobwire::addon {

namespace {

constexpr auto kRetryAfterFailedTake = std::chrono::milliseconds(2);

Batch make_batch(uint32_t subscription, const Delivery& delivery) {
  Batch batch;
  batch.subscription = subscription;
  batch.cursor = delivery.cursor;
  batch.reset = delivery.reset;
  batch.count = delivery.events.size();
  size_t size = 2 + delivery.events.size();
  for (const EventPtr& event : delivery.events) size += event->json.size();
  batch.text.reserve(size);
  batch.text.push_back('[');
  for (size_t i = 0; i < delivery.events.size(); ++i) {
    if (i > 0) batch.text.push_back(',');
    batch.text.append(delivery.events[i]->json);
  }
  batch.text.push_back(']');
  unsigned char high = 0;
  for (char c : batch.text) high |= static_cast<unsigned char>(c);
  batch.ascii = high < 0x80;
  return batch;
}

}  // namespace

std::shared_ptr<JsDelivery> JsDelivery::create(Napi::Env env, Napi::Function set_immediate, size_t max_batch) {
  std::shared_ptr<JsDelivery> delivery(new JsDelivery(max_batch));
  // A turn already scheduled when the delivery goes away still runs: it must find nothing.
  delivery->batches_ = JsQueue<Batch>::create(env, "jobwire.subscriptions", kBatchesPerTurn, set_immediate,
                                              [weak = std::weak_ptr<JsDelivery>(delivery)](Napi::Env js_env, std::vector<Batch>& batches) {
                                                if (auto self = weak.lock()) self->on_batches(js_env, batches);
                                              });
  return delivery;
}

JsDelivery::~JsDelivery() { stop(); }

Result<uint32_t> JsDelivery::add(Napi::Env env, Core& core, std::optional<int64_t> after, Napi::Function deliver) {
  if (stopped_) return Status(Code::closed, "the core is closed");
  auto taker = std::make_shared<Taker>();
  taker->id = next_id_++;
  int64_t head = core.log_info().head_seq;
  SubscribeOptions options;
  options.after = after;
  // The core never calls wake once Subscription::close has returned, and remove() and stop()
  // close it before this object goes away. The taker is held weakly: it holds the subscription.
  options.wake = [this, weak = std::weak_ptr<Taker>(taker)] {
    if (std::shared_ptr<Taker> woken = weak.lock()) wake(woken);
  };
  Result<std::shared_ptr<Subscription>> subscription = core.subscribe(std::move(options));
  if (!subscription.ok()) return subscription.status();
  taker->subscription = std::move(subscription.value());

  Receiver& receiver = receivers_[taker->id];
  receiver.deliver = Napi::Persistent(deliver);
  // A start beyond the head is answered with a reset whose cursor is the head: until that
  // batch is delivered the subscription owes it, as one behind the head owes its backlog.
  receiver.delivered = !after ? head : *after > head ? head - 1 : *after;
  receiver.expected = head;
  set_behind(env, receiver, false);
  {
    std::lock_guard lock(mutex_);
    takers_.emplace(taker->id, taker);
    taker->attached = true;
    queue_locked(taker);  // take once at start: a resume may be ready before any wake
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  }
  changed_.notify_one();
  return taker->id;
}

void JsDelivery::remove(Napi::Env env, uint32_t id) {
  auto receiver = receivers_.find(id);
  if (receiver == receivers_.end()) return;
  if (receiver->second.delivered < receiver->second.expected && --behind_ == 0) batches_->unref(env);
  receivers_.erase(receiver);
  std::shared_ptr<Taker> taker;
  {
    std::lock_guard lock(mutex_);
    auto found = takers_.find(id);
    if (found == takers_.end()) return;
    taker = std::move(found->second);
    takers_.erase(found);
    taker->removed = true;
  }
  taker->subscription->close();
}

void JsDelivery::wake(const std::shared_ptr<Taker>& taker) {
  {
    std::lock_guard lock(mutex_);
    taker->wanted = true;
    queue_locked(taker);
  }
  changed_.notify_one();
}

// Queues a wanted taker for the thread unless it is queued, gone, or has its batches in flight
// (on_batches queues it when they are delivered).
void JsDelivery::queue_locked(const std::shared_ptr<Taker>& taker) {
  if (taker->queued || !taker->attached || taker->removed || !taker->wanted || taker->in_flight >= kBatchesInFlight) return;
  taker->queued = true;
  ready_.push_back(taker);
}

void JsDelivery::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (ready_.empty() && !retry_.empty() && !stopping_) {
      // Every ready subscription's log read failed for now (a busy file): retry shortly, not spin.
      changed_.wait_for(lock, kRetryAfterFailedTake, [this] { return stopping_ || !ready_.empty(); });
      for (std::shared_ptr<Taker>& taker : retry_) queue_locked(taker);
      retry_.clear();
    }
    changed_.wait(lock, [this] { return stopping_ || !ready_.empty() || !retry_.empty(); });
    if (stopping_) return;
    if (ready_.empty()) continue;
    std::shared_ptr<Taker> taker = std::move(ready_.front());
    ready_.pop_front();
    taker->queued = false;
    if (taker->removed || taker->in_flight >= kBatchesInFlight) continue;
    taker->wanted = false;
    lock.unlock();
    Delivery delivery = taker->subscription->take(max_batch_);
    bool more = taker->subscription->ready();
    bool deliverable = !delivery.events.empty() || delivery.reset;
    std::optional<Batch> batch;
    if (deliverable) batch = make_batch(taker->id, delivery);
    lock.lock();
    bool stalled = delivery.cursor == taker->last_cursor;
    taker->last_cursor = delivery.cursor;
    if (deliverable) ++taker->in_flight;
    if (more) {
      taker->wanted = true;
      // Ready, yet nothing came and the cursor did not move: the log read failed for now.
      if (!deliverable && stalled && !taker->removed) {
        retry_.push_back(taker);
      } else {
        queue_locked(taker);  // to the back: every ready subscription gets its turn
      }
    }
    if (batch) {
      lock.unlock();
      batches_->push(std::move(*batch));
      lock.lock();
    }
  }
}

void JsDelivery::on_batches(Napi::Env env, std::vector<Batch>& batches) {
  Napi::Error first_error;
  for (Batch& batch : batches) {
    auto found = receivers_.find(batch.subscription);
    if (found == receivers_.end()) continue;  // removed while its batch waited
    Napi::HandleScope scope(env);
    napi_value text = nullptr;
    if (batch.ascii) {
      napi_create_string_latin1(env, batch.text.data(), batch.text.size(), &text);
    } else {
      napi_create_string_utf8(env, batch.text.data(), batch.text.size(), &text);
    }
    found->second.deliver.Call({text, Napi::Number::New(env, static_cast<double>(batch.cursor)),
                                Napi::Boolean::New(env, batch.reset), Napi::Number::New(env, static_cast<double>(batch.count))});
    // index.js never lets a subscriber's exception reach here; anything that does is ours,
    // and must neither stop delivery nor be lost.
    if (env.IsExceptionPending() && first_error.IsEmpty()) first_error = env.GetAndClearPendingException();
    // The subscriber may have unsubscribed, or closed the core, from inside deliver.
    found = receivers_.find(batch.subscription);
    if (found != receivers_.end()) {
      Receiver& receiver = found->second;
      bool behind_before = receiver.delivered < receiver.expected;
      receiver.delivered = std::max(receiver.delivered, batch.cursor);
      set_behind(env, receiver, behind_before);
    }
  }
  {
    std::lock_guard lock(mutex_);
    for (const Batch& batch : batches) {
      auto found = takers_.find(batch.subscription);
      if (found == takers_.end()) continue;
      --found->second->in_flight;
      queue_locked(found->second);
    }
  }
  changed_.notify_one();
  if (!first_error.IsEmpty()) first_error.ThrowAsJavaScriptException();
}

void JsDelivery::expect(Napi::Env env, int64_t head) {
  for (auto& [id, receiver] : receivers_) {
    bool behind_before = receiver.delivered < receiver.expected;
    receiver.expected = std::max(receiver.expected, head);
    set_behind(env, receiver, behind_before);
  }
}

void JsDelivery::set_behind(Napi::Env env, Receiver& receiver, bool behind_before) {
  bool behind = receiver.delivered < receiver.expected;
  if (behind == behind_before || stopped_) return;
  if (behind) {
    if (behind_++ == 0) batches_->ref(env);
  } else {
    if (--behind_ == 0) batches_->unref(env);
  }
}

void JsDelivery::stop() {
  if (stopped_) return;
  stopped_ = true;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::map<uint32_t, std::shared_ptr<Taker>> takers;
  {
    std::lock_guard lock(mutex_);
    takers.swap(takers_);
    for (auto& [id, taker] : takers) taker->removed = true;
    ready_.clear();
    retry_.clear();
  }
  for (auto& [id, taker] : takers) taker->subscription->close();
  receivers_.clear();
  batches_->close();
}

}  // namespace jobwire::addon
