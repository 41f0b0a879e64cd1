// Who may do what: the bearer token (header, cookie or ?access_token=), the Origin
// allowlist for streams, and CORS for the allowed origins.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"
#include "jobwire/server.h"
#include "jobwire/status.h"

namespace jobwire::http {

class Access {
 public:
  explicit Access(const ServerOptions& options);

  // Writes need the token. With no token configured, nothing is checked (an embedding app
  // that serves only itself).
  Status check_write(const Request& request) const;
  // Reads need the token when the server is bound beyond loopback, or when the request's
  // Host is not a loopback name.
  Status check_read(const Request& request) const;
  // A browser's stream (SSE, WebSocket) must come from this server's own origin or an
  // allowed one; a request without Origin (not a browser) passes.
  Status check_origin(const Request& request) const;
  // Adds Access-Control-Allow-* headers when the request's Origin is allowed.
  void add_cors(const Request& request, Response& response) const;
  // The answer to a CORS preflight (OPTIONS), less the Allow-Origin that add_cors adds.
  Response preflight(const Request& request) const;

  bool loopback() const noexcept { return loopback_; }

 private:
  Status check_token(const Request& request) const;
  bool origin_allowed(std::string_view origin) const;

  std::string token_;
  std::vector<std::string> origins_;
  bool loopback_;
};

// True for 127.0.0.0/8 addresses, ::1 and "localhost".
bool is_loopback_host(std::string_view host);

}  // namespace jobwire::http
