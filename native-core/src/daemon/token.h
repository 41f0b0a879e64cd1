// The write token when neither --token nor JOBWIRE_TOKEN gives one: generated on first start
// and kept beside the database (PATH.token, mode 0600), so producers keep working across
// restarts.
#pragma once

#include <string>

#include "jobwire/status.h"

namespace jobwire::daemon {

struct StoredToken {
  std::string token;
  std::string file;
  bool generated = false;  // made now (print it), rather than read back
};

Result<StoredToken> load_or_create_token(const std::string& db_path);

}  // namespace jobwire::daemon
