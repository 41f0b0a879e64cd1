// Reads of many things at once, on the libuv threadpool: jobs by id (the jobs as the core's
// JSON text, parsed once in core.js) and a project's file changes since a seq.
#include <utility>

#include "args.h"
#include "core_wrap.h"
#include "errors.h"
#include "model/wall_clock.h"
#include "task_worker.h"

namespace jobwire::addon {

namespace {

Napi::Value number(Napi::Env env, int64_t value) { return Napi::Number::New(env, static_cast<double>(value)); }

Napi::Array string_array(Napi::Env env, const std::vector<std::string>& items) {
  Napi::Array out = Napi::Array::New(env, items.size());
  for (uint32_t i = 0; i < items.size(); ++i) out.Set(i, items[i]);
  return out;
}

}  // namespace

Napi::Value CoreWrap::get_jobs(const Napi::CallbackInfo& info) {
  Args args(info);
  std::vector<std::string> ids = args.strings(0, "ids");
  Napi::Value answer;
  if (refused(args, *state_, &answer)) return answer;
  struct Set {
    std::string jobs;
    std::vector<std::string> missing;
    int64_t seq;
  };
  return TaskWorker<Set>::start(
      info.Env(), "jobwire.getJobs",
      [core = state_->core, ids = std::move(ids)]() -> Result<Set> {
        Result<JobSet> set = core->get_jobs(ids);
        if (!set.ok()) return set.status();
        int64_t now = wall_clock_ms();
        std::string jobs = "[";
        for (const Job& job : set->jobs) {
          if (jobs.size() > 1) jobs.push_back(',');
          jobs += job_to_json(job, now);
        }
        jobs.push_back(']');
        return Set{std::move(jobs), std::move(set->missing), set->seq};
      },
      [](Napi::Env env, Set& set) -> Napi::Value {
        Napi::Object out = Napi::Object::New(env);
        out.Set("jobs", set.jobs);
        out.Set("missing", string_array(env, set.missing));
        out.Set("seq", number(env, set.seq));
        return out;
      });
}

Napi::Value CoreWrap::file_changes(const Napi::CallbackInfo& info) {
  Args args(info);
  std::string project = args.string(0, "project");
  int64_t since = args.integer(1, "since_seq");
  Napi::Value answer;
  if (refused(args, *state_, &answer)) return answer;
  return TaskWorker<FileChanges>::start(
      info.Env(), "jobwire.fileChanges",
      [core = state_->core, project, since] { return core->file_changes(project, since); },
      [](Napi::Env env, FileChanges& changes) -> Napi::Value {
        Napi::Array files = Napi::Array::New(env, changes.files.size());
        for (uint32_t i = 0; i < changes.files.size(); ++i) {
          const FileChangeEntry& entry = changes.files[i];
          Napi::Object file = Napi::Object::New(env);
          file.Set("path", entry.path);
          file.Set("change", file_change_name(entry.change));
          file.Set("job_id", entry.job_id);
          file.Set("file_id", entry.file_id);
          file.Set("seq", number(env, entry.seq));
          file.Set("ts", iso_time(entry.ts_ms));
          files.Set(i, file);
        }
        Napi::Object out = Napi::Object::New(env);
        out.Set("since_seq", number(env, changes.since_seq));
        out.Set("files", files);
        out.Set("seq", number(env, changes.seq));
        return out;
      });
}

}  // namespace jobwire::addon
