// The read methods: each runs on the libuv threadpool against the core's reader and
// settles on the JS thread. Jobs and events cross as JSON text (the core's own
// serialization) that index.js parses once per call.
#include <utility>

#include "args.h"
#include "core_wrap.h"
#include "errors.h"
#include "model/wall_clock.h"
#include "task_worker.h"

namespace jobwire::addon {

namespace {

// `[a,b,c]` from texts that are each already valid JSON.
template <class Items, class Text>
std::string json_array(const Items& items, Text text) {
  std::string out = "[";
  for (const auto& item : items) {
    if (out.size() > 1) out.push_back(',');
    out.append(text(item));
  }
  out.push_back(']');
  return out;
}

Napi::Value number(Napi::Env env, int64_t value) { return Napi::Number::New(env, static_cast<double>(value)); }

}  // namespace

Napi::Value CoreWrap::get_job(const Napi::CallbackInfo& info) {
  Args args(info);
  std::string id = args.string(0, "id");
  Napi::Value answer;
  if (refused(args, *state_, &answer)) return answer;
  return TaskWorker<std::string>::start(
      info.Env(), "jobwire.getJob",
      [core = state_->core, id]() -> Result<std::string> {
        Result<Job> job = core->get_job(id);
        if (!job.ok()) return job.status();
        return job_to_json(job.value(), wall_clock_ms());
      },
      [](Napi::Env env, std::string& text) -> Napi::Value { return Napi::String::New(env, text); });
}

Napi::Value CoreWrap::list_jobs(const Napi::CallbackInfo& info) {
  Args args(info);
  Napi::Object fields = args.object(0, "filter");
  JobFilter filter;
  std::optional<std::string> status = args.optional_string(fields, "status");
  filter.type = args.optional_string(fields, "type");
  filter.parent = args.optional_string(fields, "parent");
  filter.project = args.optional_string(fields, "project");
  filter.since_ms = args.optional_integer(fields, "since_ms").value_or(0);
  filter.offset = args.optional_integer(fields, "offset").value_or(0);
  filter.limit = args.optional_integer(fields, "limit").value_or(filter.limit);
  Napi::Value answer;
  if (refused(args, *state_, &answer)) return answer;
  if (status) {
    filter.status = parse_job_status(*status);
    if (!filter.status) return rejected(info.Env(), bad_argument("unknown status: " + *status));
  }
  struct Page {
    std::string jobs;
    int64_t total, offset, seq;
  };
  return TaskWorker<Page>::start(
      info.Env(), "jobwire.listJobs",
      [core = state_->core, filter]() -> Result<Page> {
        Result<JobPage> page = core->list_jobs(filter);
        if (!page.ok()) return page.status();
        int64_t now = wall_clock_ms();
        std::string jobs = json_array(page->jobs, [now](const Job& job) { return job_to_json(job, now); });
        return Page{std::move(jobs), page->total, page->offset, page->seq};
      },
      [](Napi::Env env, Page& page) -> Napi::Value {
        Napi::Object out = Napi::Object::New(env);
        out.Set("jobs", page.jobs);
        out.Set("total", number(env, page.total));
        out.Set("offset", number(env, page.offset));
        out.Set("seq", number(env, page.seq));
        return out;
      });
}

Napi::Value CoreWrap::get_logs(const Napi::CallbackInfo& info) {
  Args args(info);
  std::string id = args.string(0, "id");
  int64_t offset = args.integer(1, "offset");
  int64_t limit = args.integer(2, "limit");
  Napi::Value answer;
  if (refused(args, *state_, &answer)) return answer;
  return TaskWorker<LogPage>::start(
      info.Env(), "jobwire.getLogs", [core = state_->core, id, offset, limit] { return core->get_logs(id, offset, limit); },
      [](Napi::Env env, LogPage& page) -> Napi::Value {
        Napi::Array lines = Napi::Array::New(env, page.lines.size());
        for (uint32_t i = 0; i < page.lines.size(); ++i) lines.Set(i, page.lines[i]);
        Napi::Object out = Napi::Object::New(env);
        out.Set("job_id", page.job_id);
        out.Set("lines", lines);
        out.Set("total_lines", number(env, page.total_lines));
        out.Set("offset", number(env, page.offset));
        out.Set("has_more", page.has_more);
        out.Set("seq", number(env, page.seq));
        return out;
      });
}

Napi::Value CoreWrap::list_files(const Napi::CallbackInfo& info) {
  Args args(info);
  std::string id = args.string(0, "id");
  Napi::Value answer;
  if (refused(args, *state_, &answer)) return answer;
  return TaskWorker<FileList>::start(
      info.Env(), "jobwire.listFiles", [core = state_->core, id] { return core->list_files(id); },
      [](Napi::Env env, FileList& list) -> Napi::Value {
        Napi::Array files = Napi::Array::New(env, list.files.size());
        for (uint32_t i = 0; i < list.files.size(); ++i) {
          const FileEntry& entry = list.files[i];
          Napi::Object file = Napi::Object::New(env);
          file.Set("file_id", entry.file_id);
          file.Set("job_id", entry.job_id);
          file.Set("path", entry.path);
          file.Set("change", file_change_name(entry.change));
          file.Set("updated_at", iso_time(entry.updated_at_ms));
          files.Set(i, file);
        }
        Napi::Object out = Napi::Object::New(env);
        out.Set("files", files);
        out.Set("seq", number(env, list.seq));
        return out;
      });
}

Napi::Value CoreWrap::events_after(const Napi::CallbackInfo& info) {
  Args args(info);
  int64_t after = args.integer(0, "after");
  int64_t limit = args.integer(1, "limit");
  // The filters of GET /api/events: project, job (with its subjobs), types.
  EventFilter filter;
  Napi::Object filters = args.object(2, "filter");
  if (args.ok()) {
    filter.project = args.optional_string(filters, "project");
    filter.job = args.optional_string(filters, "job");
    filter.types = args.strings(filters, "types");
  }
  Napi::Value answer;
  if (refused(args, *state_, &answer)) return answer;
  if (after < 0 || limit < 1) return rejected(info.Env(), bad_argument("after must be 0 or more and limit 1 or more"));
  struct Page {
    std::string events;
    int64_t next;
  };
  return TaskWorker<Page>::start(
      info.Env(), "jobwire.eventsAfter",
      [core = state_->core, after, limit, filter = std::move(filter)]() -> Result<Page> {
        Result<EventPage> page = core->events_after(after, static_cast<size_t>(limit), filter);
        if (!page.ok()) return page.status();
        return Page{json_array(page->events, [](const EventPtr& event) -> const std::string& { return event->json; }),
                    page->next};
      },
      [](Napi::Env env, Page& page) -> Napi::Value {
        Napi::Object out = Napi::Object::New(env);
        out.Set("events", page.events);
        out.Set("next", number(env, page.next));
        return out;
      });
}

}  // namespace jobwire::addon
