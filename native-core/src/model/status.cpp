#include "jobwire/status.h"

namespace jobwire {

const char* code_name(Code code) noexcept {
  switch (code) {
#define JOBWIRE_NAME(name, wire, http) \
  case Code::name:                     \
    return wire;
    JOBWIRE_STATUS_CODES(JOBWIRE_NAME)
#undef JOBWIRE_NAME
  }
  return "internal";
}

int code_http_status(Code code) noexcept {
  switch (code) {
#define JOBWIRE_HTTP(name, wire, http) \
  case Code::name:                     \
    return http;
    JOBWIRE_STATUS_CODES(JOBWIRE_HTTP)
#undef JOBWIRE_HTTP
  }
  return 500;
}

}  // namespace jobwire
