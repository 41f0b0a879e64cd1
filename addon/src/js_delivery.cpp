#include "js_delivery.h"

#include <chrono>
#include <utility>

namespace jobwire::addon {

namespace {

constexpr auto kRetryAfterFailedTake = std::chrono::milliseconds(2);

Batch make_batch(const Delivery& delivery) {
  Batch batch;
  batch.cursor = delivery.cursor;
  batch.reset = delivery.reset;
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

Result<std::shared_ptr<JsDelivery>> JsDelivery::start(Napi::Env env, Core& core, std::optional<int64_t> after,
                                                      Napi::Function deliver, Napi::Function set_immediate,
                                                      size_t max_batch) {
  std::shared_ptr<JsDelivery> js_delivery(new JsDelivery(max_batch));
  std::weak_ptr<JsDelivery> weak = js_delivery;
  js_delivery->batches_ = JsQueue<Batch>::create(env, "jobwire.subscription", kBatchesInFlight, set_immediate,
                                                 [weak](Napi::Env js_env, std::vector<Batch>& batches) {
                                                   if (auto self = weak.lock()) self->on_batches(js_env, batches);
                                                 });
  int64_t head = core.log_info().head_seq;
  SubscribeOptions options;
  options.after = after;
  // The core never calls wake once Subscription::close has returned, and stop() closes it
  // before the JS delivery goes away, so a raw pointer is safe here.
  options.wake = [raw = js_delivery.get()] { raw->wake(); };
  Result<std::shared_ptr<Subscription>> subscription = core.subscribe(std::move(options));
  if (!subscription.ok()) return subscription.status();
  js_delivery->subscription_ = std::move(subscription.value());
  js_delivery->deliver_ = Napi::Persistent(deliver);
  js_delivery->delivered_ = after.value_or(head);
  js_delivery->expect(env, head);
  js_delivery->thread_ = std::thread([raw = js_delivery.get()] { raw->run(); });
  return js_delivery;
}

JsDelivery::~JsDelivery() {
  // Owners call stop() on the JS thread; this covers a JS delivery dropped without it (also on the
  // JS thread, where every owner lives).
  stop();
}

void JsDelivery::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  changed_.notify_one();
}

void JsDelivery::run() {
  int64_t last_cursor = -1;
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return stopping_ || (woken_ && in_flight_ < kBatchesInFlight); });
    if (stopping_) return;
    woken_ = false;
    lock.unlock();
    Delivery delivery = subscription_->take(max_batch_);
    bool more = subscription_->ready();
    bool deliverable = !delivery.events.empty() || delivery.reset;
    Batch batch = deliverable ? make_batch(delivery) : Batch{};
    lock.lock();
    if (more) woken_ = true;
    bool stalled = delivery.cursor == last_cursor;
    last_cursor = delivery.cursor;
    if (!deliverable) {
      // Ready, yet the cursor did not move: the log read failed for now (a busy file).
      // Retry shortly rather than spin.
      if (more && stalled) changed_.wait_for(lock, kRetryAfterFailedTake, [this] { return stopping_; });
      continue;
    }
    ++in_flight_;
    lock.unlock();
    batches_->push(std::move(batch));
    lock.lock();
  }
}

void JsDelivery::on_batches(Napi::Env env, std::vector<Batch>& batches) {
  Napi::Error first_error;
  for (Batch& batch : batches) {
    if (stopped_) break;
    Napi::HandleScope scope(env);
    napi_value text = nullptr;
    if (batch.ascii) {
      napi_create_string_latin1(env, batch.text.data(), batch.text.size(), &text);
    } else {
      napi_create_string_utf8(env, batch.text.data(), batch.text.size(), &text);
    }
    deliver_.Call({text, Napi::Number::New(env, static_cast<double>(batch.cursor)),
                   Napi::Boolean::New(env, batch.reset)});
    // index.js never lets a subscriber's exception reach here; anything that does is ours,
    // and must neither stop delivery nor be lost.
    if (env.IsExceptionPending() && first_error.IsEmpty()) first_error = env.GetAndClearPendingException();
    delivered_ = std::max(delivered_, batch.cursor);
  }
  {
    std::lock_guard lock(mutex_);
    in_flight_ -= batches.size();
  }
  changed_.notify_one();
  if (!stopped_) update_keep_alive(env);
  if (!first_error.IsEmpty()) first_error.ThrowAsJavaScriptException();
}

void JsDelivery::expect(Napi::Env env, int64_t head) {
  if (stopped_) return;
  expected_ = std::max(expected_, head);
  update_keep_alive(env);
}

void JsDelivery::update_keep_alive(Napi::Env env) {
  bool behind = delivered_ < expected_;
  if (behind == kept_alive_) return;
  kept_alive_ = behind;
  if (behind) {
    batches_->ref(env);
  } else {
    batches_->unref(env);
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
  if (subscription_) subscription_->close();
  if (batches_) batches_->close();
  deliver_.Reset();
}

}  // namespace jobwire::addon
