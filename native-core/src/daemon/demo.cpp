#include "daemon/demo.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>

namespace jobwire::daemon {
namespace {

constexpr std::array kTypes = {"build", "analysis", "recording", "agent_turn"};
constexpr std::array kProjects = {"default", "web", "desktop"};
constexpr std::array kLogWords = {"compiling", "linking", "fetching", "indexing", "testing", "uploading", "scanning"};
constexpr size_t kMaxActive = 8;

}  // namespace

DemoProducer::DemoProducer(std::shared_ptr<Core> core, double speed) : core_(std::move(core)), speed_(speed) {}

DemoProducer::~DemoProducer() { stop(); }

void DemoProducer::start() { thread_ = std::thread([this] { run(); }); }

void DemoProducer::stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool DemoProducer::chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

void DemoProducer::run() {
  const auto period = std::chrono::milliseconds(static_cast<int64_t>(500 / speed_));
  std::unique_lock lock(mu_);
  while (!stop_) {
    lock.unlock();
    tick();
    lock.lock();
    cv_.wait_for(lock, period, [this] { return stop_; });
  }
}

void DemoProducer::tick() {
  if (core_->closed()) return;
  if (active_.size() < 3 || (active_.size() < kMaxActive && chance(0.15))) start_tree();
  for (ActiveJob& job : active_) advance(job);
  std::erase_if(active_, [](const ActiveJob& job) { return job.step < 0; });
}

// A root job, and often a few subjobs under it.
void DemoProducer::start_tree() {
  NewJob root;
  root.type = kTypes[static_cast<size_t>(made_) % kTypes.size()];
  root.project = kProjects[static_cast<size_t>(made_ / 2) % kProjects.size()];
  root.priority = static_cast<int>(rng_() % 3);
  root.summary_json = nlohmann::json({{"requested_by", "demo"}, {"run", made_}}).dump();
  ++made_;
  auto created = core_->create_job(root);
  if (!created.ok() || !created->job) return;
  auto outcome_of = [this] {
    double roll = std::uniform_real_distribution<double>(0, 1)(rng_);
    return roll < 0.7 ? Outcome::complete : roll < 0.85 ? Outcome::fail : Outcome::cancel;
  };
  const std::string root_id = created->job->id;
  active_.push_back({root_id, root.type, 0, 6 + static_cast<int>(rng_() % 10), outcome_of()});
  if (!chance(0.6)) return;
  int children = 1 + static_cast<int>(rng_() % 3);
  for (int i = 0; i < children; ++i) {
    NewJob child;
    child.type = root.type + ".step";
    child.project = root.project;
    child.parent = root_id;
    auto sub = core_->create_job(child);
    if (sub.ok() && sub->job) active_.push_back({sub->job->id, child.type, 0, 3 + static_cast<int>(rng_() % 6), outcome_of()});
  }
}

void DemoProducer::advance(ActiveJob& job) {
  if (job.step == 0) {
    if (!chance(0.7)) return;  // waits in the queue a little
    if (job.outcome == Outcome::cancel && chance(0.3)) {
      core_->set_status(job.id, JobStatus::cancelled);
      job.step = -1;
      return;
    }
    core_->set_status(job.id, JobStatus::running);
    job.step = 1;
    return;
  }
  if (!chance(0.6)) return;
  ++job.step;
  double percent = std::min(100.0, 100.0 * job.step / job.steps);
  core_->set_progress(job.id, percent);
  std::vector<std::string> lines;
  int count = 1 + static_cast<int>(rng_() % 3);
  for (int i = 0; i < count; ++i)
    lines.push_back(std::string(kLogWords[rng_() % kLogWords.size()]) + " part " + std::to_string(job.step) + "." +
                    std::to_string(i) + " of " + job.type);
  core_->append_log(job.id, std::move(lines));
  if (chance(0.2))
    core_->register_file(job.id, "out/" + job.id + "/part-" + std::to_string(job.step) + ".txt", FileChange::created);
  if (chance(0.1)) core_->emit("x.heartbeat", job.id, nlohmann::json({{"step", job.step}}).dump());
  if (chance(0.03))
    core_->emit("x.intervention_request", job.id, nlohmann::json({{"reason", "needs approval"}}).dump());
  if (job.step < job.steps) {
    // Cancelled and failed jobs stop part-way.
    if (job.outcome == Outcome::cancel && job.step * 2 >= job.steps) {
      core_->set_status(job.id, JobStatus::cancelled);
      job.step = -1;
    } else if (job.outcome == Outcome::fail && job.step * 3 >= job.steps * 2) {
      core_->set_status(job.id, JobStatus::failed, std::string("step ") + std::to_string(job.step) + " exited with code 2");
      job.step = -1;
    }
    return;
  }
  JobPatch patch;
  patch.summary_json = nlohmann::json({{"steps", job.steps}, {"ok", true}}).dump();
  patch.output_path = "out/" + job.id + "/";
  core_->update_job(job.id, std::move(patch));
  core_->set_status(job.id, JobStatus::completed);
  job.step = -1;
}

}  // namespace jobwire::daemon
