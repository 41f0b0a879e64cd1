// The write path: write() takes the writes of one JS turn (addon/lib/write-queue.js) and
// hands each to the core's writer thread; settle_completions answers a turn's committed
// writes to JS in one call, after commit.
#include <cmath>
#include <utility>

#include "args.h"
#include "core_wrap.h"
#include "errors.h"

namespace jobwire::addon {

namespace {

// Values per write in a batch: kind, three arguments, idempotency key.
constexpr uint32_t kWriteStride = 5;
enum class WriteKind { create_job, set_status, set_progress, update_job, append_log, register_file, emit };

// One write's answer as JSON text: the job as of its commit, as HTTP answers it (so a
// replayed answer is the first one exactly); for emit() the stored event.
std::string answer_json(const Completion& completion) {
  const Committed& committed = completion.result.value();
  if (committed.job && !completion.resolve_with_event) return job_to_json(*committed.job, committed.event->ts_ms);
  if (committed.event) return committed.event->json;
  return "null";
}

Napi::Value js_text(Napi::Env env, const std::string& text) {
  unsigned char high = 0;
  for (char c : text) high |= static_cast<unsigned char>(c);
  napi_value value = nullptr;
  if (high < 0x80) {
    napi_create_string_latin1(env, text.data(), text.size(), &value);  // a plain copy
  } else {
    napi_create_string_utf8(env, text.data(), text.size(), &value);
  }
  return Napi::Value(env, value);
}

NewJob new_job(Args& args, const Napi::Object& fields) {
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
  return job;
}

JobPatch job_patch(Args& args, const Napi::Object& fields) {
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
  return patch;
}

// Reads one write's arguments (positions 0–3: a, b, c, key) and hands it to the core, which
// calls `done` once: after commit, or at once with a refusal.
void submit(Core* core, WriteKind kind, Args& args, WriteDone done) {
  auto refuse = [&](const Status& status) { done(status); };
  WriteOptions options{args.optional_string(3, "idempotency_key")};
  switch (kind) {
    case WriteKind::create_job: {
      NewJob job = new_job(args, args.object(0, "job"));
      if (!args.ok() || !core) return refuse(args.ok() ? closed_error() : args.status());
      return core->create_job(std::move(job), std::move(done), std::move(options));
    }
    case WriteKind::set_status: {
      std::string id = args.string(0, "id");
      std::string name = args.string(1, "status");
      std::optional<std::string> error_message = args.optional_string(2, "error_message");
      if (!args.ok() || !core) return refuse(args.ok() ? closed_error() : args.status());
      std::optional<JobStatus> status = parse_job_status(name);
      if (!status) return refuse(bad_argument("unknown status: " + name));
      return core->set_status(std::move(id), *status, std::move(error_message), std::move(done), std::move(options));
    }
    case WriteKind::set_progress: {
      std::string id = args.string(0, "id");
      double percent = args.number(1, "percent");
      if (!args.ok() || !core) return refuse(args.ok() ? closed_error() : args.status());
      return core->set_progress(std::move(id), percent, std::move(done), std::move(options));
    }
    case WriteKind::update_job: {
      std::string id = args.string(0, "id");
      JobPatch patch = job_patch(args, args.object(1, "patch"));
      if (!args.ok() || !core) return refuse(args.ok() ? closed_error() : args.status());
      return core->update_job(std::move(id), std::move(patch), std::move(done), std::move(options));
    }
    case WriteKind::append_log: {
      std::string id = args.string(0, "id");
      std::vector<std::string> lines = args.strings(1, "lines");
      if (!args.ok() || !core) return refuse(args.ok() ? closed_error() : args.status());
      return core->append_log(std::move(id), std::move(lines), std::move(done), std::move(options));
    }
    case WriteKind::register_file: {
      std::string id = args.string(0, "id");
      std::string path = args.string(1, "path");
      std::string name = args.string(2, "change");
      if (!args.ok() || !core) return refuse(args.ok() ? closed_error() : args.status());
      std::optional<FileChange> change = parse_file_change(name);
      if (!change) return refuse(bad_argument("unknown file change: " + name));
      return core->register_file(std::move(id), std::move(path), *change, std::move(done), std::move(options));
    }
    case WriteKind::emit: {
      std::string type = args.string(0, "type");
      std::optional<std::string> job = args.optional_string(1, "job");
      std::string data_json = args.string(2, "data_json");
      if (!args.ok() || !core) return refuse(args.ok() ? closed_error() : args.status());
      return core->emit(std::move(type), std::move(job), std::move(data_json), std::move(done), std::move(options));
    }
  }
  refuse(bad_argument("unknown write kind"));
}

// True when the stored JSON text is an object or an array, which JS must not share between
// two answers (a caller may change one).
bool holds_container(const std::string& json_text) {
  size_t first = json_text.find_first_not_of(" \t\r\n");
  return first != std::string::npos && (json_text[first] == '{' || json_text[first] == '[');
}

// Whether `job`'s answer is `basis`'s with another progress_percent, updated_seq and
// duration_seconds (job_json_value's one field that depends on the time). Takes those two
// fields into `basis`, whose answer is already written, to compare the rest.
bool differs_only_in_progress(Job& basis, const Job& job) {
  basis.progress_percent = job.progress_percent;
  basis.updated_seq = job.updated_seq;
  return basis == job;
}

// Jobs whose last whole answer the JS side keeps; past this many it starts over.
constexpr size_t kMaxAnswerBases = 1024;

}  // namespace

Napi::Object write_kinds(Napi::Env env) {
  Napi::Object kinds = Napi::Object::New(env);
  kinds.Set("createJob", static_cast<int>(WriteKind::create_job));
  kinds.Set("setStatus", static_cast<int>(WriteKind::set_status));
  kinds.Set("setProgress", static_cast<int>(WriteKind::set_progress));
  kinds.Set("updateJob", static_cast<int>(WriteKind::update_job));
  kinds.Set("appendLog", static_cast<int>(WriteKind::append_log));
  kinds.Set("registerFile", static_cast<int>(WriteKind::register_file));
  kinds.Set("emit", static_cast<int>(WriteKind::emit));
  return kinds;
}

// A producer mostly reports progress, and a write's answer is the whole job: serializing and
// parsing it per write cost the JS thread more than all the rest of the write (BENCHMARKS.md,
// issue 15). So the JS side keeps a copy of the last whole answer to each job, in a slot the
// `bases` pairs (index, slot) name, and an answer that differs from it in progress alone is
// sent as that slot's number, its three changed values at 3 × its own index in `changes`;
// write-queue.js copies the slot's answer with them.
void settle_completions(Napi::Env env, std::vector<Completion>& completions, CoreState* state) {
  // Without the state nothing is left to settle with: the environment is going away.
  if (!state || completions.empty()) return;
  Napi::HandleScope scope(env);
  int64_t head = 0;
  Napi::Float64Array tokens = Napi::Float64Array::New(env, completions.size());
  Napi::Array errors;
  std::string answers = "[";
  std::vector<double> changes;
  std::vector<double> new_bases;
  auto& bases = state->answer_bases;
  for (uint32_t i = 0; i < completions.size(); ++i) {
    Completion& completion = completions[i];
    tokens[i] = completion.token;
    if (i > 0) answers.push_back(',');
    if (!completion.result.ok()) {
      if (errors.IsEmpty()) errors = Napi::Array::New(env, completions.size());
      errors.Set(i, status_error(env, completion.result.status()).Value());
      answers += "null";
      continue;
    }
    Committed& committed = completion.result.value();
    head = std::max(head, committed.event ? committed.event->seq : 0);
    if (!committed.job || completion.resolve_with_event) {
      answers += answer_json(completion);
      continue;
    }
    const Job& job = *committed.job;
    const bool copyable = !holds_container(job.summary_json) && !holds_container(job.validation_json);
    auto basis = copyable ? bases.find(job.id) : bases.end();
    if (basis != bases.end() && differs_only_in_progress(basis->second.job, job)) {
      answers += std::to_string(basis->second.slot);
      changes.resize(3 * completions.size());
      changes[3 * i] = job.progress_percent;
      changes[3 * i + 1] = static_cast<double>(job.updated_seq);
      changes[3 * i + 2] = job.duration_seconds(committed.event->ts_ms).value_or(std::nan(""));
      continue;
    }
    answers += answer_json(completion);
    if (!copyable) continue;
    if (basis != bases.end()) {
      basis->second.job = job;
    } else {
      if (bases.size() >= kMaxAnswerBases) bases.clear();  // slots are given out again from 0
      const auto slot = static_cast<uint32_t>(bases.size());
      basis = bases.emplace(job.id, AnswerBasis{job, slot}).first;
    }
    new_bases.push_back(i);
    new_bases.push_back(basis->second.slot);
  }
  answers.push_back(']');
  state->writes_in_flight -= static_cast<int64_t>(completions.size());
  if (state->writes_in_flight == 0) state->completions->unref(env);
  if (head > state->known_head) {
    state->known_head = head;
    state->js_delivery->expect(env, head);
  }
  if (state->settle_writes.IsEmpty()) return;
  auto float64_array = [&](const std::vector<double>& values) -> Napi::Value {
    if (values.empty()) return env.Undefined();
    Napi::Float64Array array = Napi::Float64Array::New(env, values.size());
    std::copy(values.begin(), values.end(), array.Data());
    return array;
  };
  state->settle_writes.Call({tokens, js_text(env, answers), errors.IsEmpty() ? env.Undefined() : Napi::Value(errors),
                             float64_array(changes), float64_array(new_bases)});
}

WriteDone CoreWrap::settle_later(Napi::Env env, double token, bool resolve_with_event) {
  // While a write is in flight its completion must be able to wake the loop.
  if (state_->writes_in_flight++ == 0) state_->completions->ref(env);
  return [queue = state_->completions, token, resolve_with_event](Result<Committed> result) {
    queue->push(token, std::move(result), resolve_with_event);
  };
}

// write(firstToken, ops): kWriteStride values per write, in call order, the writes' tokens
// counting up from firstToken. Each write settles through settle_completions, a refused one
// too, so every write has one path back.
Napi::Value CoreWrap::write(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber() || !info[1].IsArray()) {
    status_error(env, bad_argument("write takes a first token and an array of writes")).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  double token = info[0].As<Napi::Number>().DoubleValue();
  Napi::Array ops = info[1].As<Napi::Array>();
  uint32_t length = ops.Length();
  Core* core = state_->closing ? nullptr : state_->core.get();
  for (uint32_t first = 0; first + kWriteStride <= length; first += kWriteStride, ++token) {
    Napi::HandleScope scope(env);
    Napi::Value kind = ops.Get(first);
    bool is_emit = kind.IsNumber() && kind.As<Napi::Number>().Int32Value() == static_cast<int>(WriteKind::emit);
    WriteDone done = settle_later(env, token, is_emit);
    Args args(env, ops, first + 1);
    if (!kind.IsNumber()) {
      done(bad_argument("kind must be a number"));
      continue;
    }
    submit(core, static_cast<WriteKind>(kind.As<Napi::Number>().Int32Value()), args, std::move(done));
  }
  return env.Undefined();
}

}  // namespace jobwire::addon
