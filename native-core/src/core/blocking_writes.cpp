// The blocking write forms: queue the write and wait for its commit.
#include <future>

#include "jobwire/core.h"

namespace jobwire {

namespace {

template <class Start>
Result<Committed> wait_for(Start&& start) {
  auto promise = std::make_shared<std::promise<Result<Committed>>>();
  auto future = promise->get_future();
  start([promise](Result<Committed> result) { promise->set_value(std::move(result)); });
  return future.get();
}

}  // namespace

Result<Committed> Core::create_job(NewJob job, WriteOptions options) {
  return wait_for([&](WriteDone done) { create_job(std::move(job), std::move(done), std::move(options)); });
}

Result<Committed> Core::set_status(std::string id, JobStatus status, std::optional<std::string> error_message,
                                   WriteOptions options) {
  return wait_for([&](WriteDone done) {
    set_status(std::move(id), status, std::move(error_message), std::move(done), std::move(options));
  });
}

Result<Committed> Core::set_progress(std::string id, double percent, WriteOptions options) {
  return wait_for([&](WriteDone done) { set_progress(std::move(id), percent, std::move(done), std::move(options)); });
}

Result<Committed> Core::update_job(std::string id, JobPatch patch, WriteOptions options) {
  return wait_for(
      [&](WriteDone done) { update_job(std::move(id), std::move(patch), std::move(done), std::move(options)); });
}

Result<Committed> Core::append_log(std::string id, std::vector<std::string> lines, WriteOptions options) {
  return wait_for(
      [&](WriteDone done) { append_log(std::move(id), std::move(lines), std::move(done), std::move(options)); });
}

Result<Committed> Core::register_file(std::string id, std::string path, FileChange change, WriteOptions options) {
  return wait_for([&](WriteDone done) {
    register_file(std::move(id), std::move(path), change, std::move(done), std::move(options));
  });
}

Result<Committed> Core::emit(std::string type, std::optional<std::string> job, std::string data_json,
                             WriteOptions options) {
  return wait_for([&](WriteDone done) {
    emit(std::move(type), std::move(job), std::move(data_json), std::move(done), std::move(options));
  });
}

}  // namespace jobwire
