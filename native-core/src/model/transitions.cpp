#include "model/transitions.h"

namespace jobwire {

bool transition_allowed(JobStatus from, JobStatus to) noexcept {
  switch (from) {
    case JobStatus::pending:
      return to == JobStatus::running || to == JobStatus::cancelled || to == JobStatus::failed;
    case JobStatus::running:
      return to == JobStatus::completed || to == JobStatus::failed || to == JobStatus::cancelled;
    case JobStatus::completed:
    case JobStatus::failed:
    case JobStatus::cancelled:
      return false;
  }
  return false;
}

}  // namespace jobwire
