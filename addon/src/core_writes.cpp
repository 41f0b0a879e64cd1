// The write methods: each hands its request to the core's writer thread and returns a
// promise that settle_completions resolves on the JS thread after commit.
#include <utility>

#include "args.h"
#include "core_wrap.h"
#include "errors.h"

namespace jobwire::addon {

void settle_completions(Napi::Env env, std::vector<Completion>& completions, CoreState* state) {
  int64_t head = 0;
  for (Completion& completion : completions) {
    Napi::HandleScope scope(env);
    if (!completion.result.ok()) {
      napi_reject_deferred(env, completion.deferred, status_error(env, completion.result.status()).Value());
      continue;
    }
    const Committed& committed = completion.result.value();
    head = std::max(head, committed.event ? committed.event->seq : 0);
    std::string text;
    if (committed.job && !completion.resolve_with_event) {
      // As of its commit, as HTTP answers it: a replayed answer is the first one exactly.
      text = job_to_json(*committed.job, committed.event->ts_ms);
    } else if (committed.event) {
      text = committed.event->json;
    } else {
      text = "null";
    }
    napi_resolve_deferred(env, completion.deferred, Napi::String::New(env, text));
  }
  if (!state) return;
  state->writes_in_flight -= static_cast<int64_t>(completions.size());
  if (state->writes_in_flight == 0) state->completions->unref(env);
  if (head > state->known_head) {
    state->known_head = head;
    for (auto& [id, pump] : state->pumps) pump->expect(env, head);
  }
}

// The last argument of every write: its idempotency key, when the caller gave one.
static WriteOptions write_options(Args& args, size_t index) {
  return WriteOptions{args.optional_string(index, "idempotency_key")};
}

WriteDone CoreWrap::settle_later(Napi::Env env, napi_value* promise, bool resolve_with_event) {
  napi_deferred deferred = nullptr;
  napi_create_promise(env, &deferred, promise);
  // While a write is in flight its completion must be able to wake the loop.
  if (state_->writes_in_flight++ == 0) state_->completions->ref(env);
  return [queue = state_->completions, deferred, resolve_with_event](Result<Committed> result) {
    queue->push(Completion{deferred, std::move(result), resolve_with_event});
  };
}

Napi::Value CoreWrap::create_job(const Napi::CallbackInfo& info) {
  Args args(info);
  Napi::Object fields = args.object(0, "job");
  NewJob job;
  job.id = args.optional_string(fields, "id");
  job.type = args.string(fields, "type");
  job.project = args.optional_string(fields, "project").value_or("default");
  job.parent = args.optional_string(fields, "parent");
  job.priority = static_cast<int>(args.optional_integer(fields, "priority").value_or(0));
  job.file_path = args.optional_string(fields, "file_path");
  job.policy_name = args.optional_string(fields, "policy_name");
  job.output_path = args.optional_string(fields, "output_path");
  job.summary_json = args.optional_string(fields, "summary_json");
  WriteOptions options = write_options(args, 1);
  Napi::Value answer;
  if (refused(args, *state_, &answer)) return answer;
  napi_value promise = nullptr;
  state_->core->create_job(std::move(job), settle_later(info.Env(), &promise, false), std::move(options));
  return Napi::Value(info.Env(), promise);
}

Napi::Value CoreWrap::set_status(const Napi::CallbackInfo& info) {
  Args args(info);
  std::string id = args.string(0, "id");
  std::string name = args.string(1, "status");
  std::optional<std::string> error_message = args.optional_string(2, "error_message");
  std::optional<JobStatus> status = parse_job_status(name);
  WriteOptions options = write_options(args, 3);
  Napi::Value answer;
  if (refused(args, *state_, &answer)) return answer;
  if (!status) return rejected(info.Env(), bad_argument("unknown status: " + name));
  napi_value promise = nullptr;
  state_->core->set_status(std::move(id), *status, std::move(error_message), settle_later(info.Env(), &promise, false),
                           std::move(options));
  return Napi::Value(info.Env(), promise);
}

Napi::Value CoreWrap::set_progress(const Napi::CallbackInfo& info) {
  Args args(info);
  std::string id = args.string(0, "id");
  double percent = args.number(1, "percent");
  WriteOptions options = write_options(args, 2);
  Napi::Value answer;
  if (refused(args, *state_, &answer)) return answer;
  napi_value promise = nullptr;
  state_->core->set_progress(std::move(id), percent, settle_later(info.Env(), &promise, false), std::move(options));
  return Napi::Value(info.Env(), promise);
}

Napi::Value CoreWrap::update_job(const Napi::CallbackInfo& info) {
  Args args(info);
  std::string id = args.string(0, "id");
  Napi::Object fields = args.object(1, "patch");
  JobPatch patch;
  patch.summary_json = args.optional_string(fields, "summary_json");
  patch.validation_json = args.optional_string(fields, "validation_json");
  patch.error_message = args.optional_string(fields, "error_message");
  patch.output_path = args.optional_string(fields, "output_path");
  patch.file_path = args.optional_string(fields, "file_path");
  patch.policy_name = args.optional_string(fields, "policy_name");
  if (std::optional<int64_t> priority = args.optional_integer(fields, "priority")) {
    patch.priority = static_cast<int>(*priority);
  }
  WriteOptions options = write_options(args, 2);
  Napi::Value answer;
  if (refused(args, *state_, &answer)) return answer;
  napi_value promise = nullptr;
  state_->core->update_job(std::move(id), std::move(patch), settle_later(info.Env(), &promise, false),
                           std::move(options));
  return Napi::Value(info.Env(), promise);
}

Napi::Value CoreWrap::append_log(const Napi::CallbackInfo& info) {
  Args args(info);
  std::string id = args.string(0, "id");
  std::vector<std::string> lines = args.strings(1, "lines");
  WriteOptions options = write_options(args, 2);
  Napi::Value answer;
  if (refused(args, *state_, &answer)) return answer;
  napi_value promise = nullptr;
  state_->core->append_log(std::move(id), std::move(lines), settle_later(info.Env(), &promise, false),
                           std::move(options));
  return Napi::Value(info.Env(), promise);
}

Napi::Value CoreWrap::register_file(const Napi::CallbackInfo& info) {
  Args args(info);
  std::string id = args.string(0, "id");
  std::string path = args.string(1, "path");
  std::string name = args.string(2, "change");
  std::optional<FileChange> change = parse_file_change(name);
  WriteOptions options = write_options(args, 3);
  Napi::Value answer;
  if (refused(args, *state_, &answer)) return answer;
  if (!change) return rejected(info.Env(), bad_argument("unknown file change: " + name));
  napi_value promise = nullptr;
  state_->core->register_file(std::move(id), std::move(path), *change, settle_later(info.Env(), &promise, false),
                              std::move(options));
  return Napi::Value(info.Env(), promise);
}

Napi::Value CoreWrap::emit(const Napi::CallbackInfo& info) {
  Args args(info);
  std::string type = args.string(0, "type");
  std::optional<std::string> job = args.optional_string(1, "job");
  std::string data_json = args.string(2, "data_json");
  WriteOptions options = write_options(args, 3);
  Napi::Value answer;
  if (refused(args, *state_, &answer)) return answer;
  napi_value promise = nullptr;
  state_->core->emit(std::move(type), std::move(job), std::move(data_json), settle_later(info.Env(), &promise, true),
                     std::move(options));
  return Napi::Value(info.Env(), promise);
}

}  // namespace jobwire::addon
