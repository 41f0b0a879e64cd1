#include "http/access.h"

#include <algorithm>

namespace jobwire::http {
namespace {

// Compares in time independent of where the strings differ, so the token cannot be
// guessed byte by byte from response times. (Its length is not worth hiding.)
bool same_secret(std::string_view presented, std::string_view expected) {
  if (presented.size() != expected.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < expected.size(); ++i)
    diff = static_cast<unsigned char>(diff | (presented[i] ^ expected[i]));
  return diff == 0;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string_view cookie_value(std::string_view cookies, std::string_view name) {
  while (!cookies.empty()) {
    size_t semi = cookies.find(';');
    std::string_view item = trim(cookies.substr(0, semi));
    size_t eq = item.find('=');
    if (eq != std::string_view::npos && trim(item.substr(0, eq)) == name) return trim(item.substr(eq + 1));
    if (semi == std::string_view::npos) break;
    cookies.remove_prefix(semi + 1);
  }
  return {};
}

// The token a request carries, in the order DESIGN.md gives: Authorization: Bearer,
// the jobwire_token cookie, ?access_token=.
std::string_view presented_token(const Request& request) {
  if (auto auth = request.header("authorization")) {
    std::string_view value = trim(*auth);
    if (value.size() > 7 && (value.substr(0, 7) == "Bearer " || value.substr(0, 7) == "bearer "))
      return trim(value.substr(7));
  }
  if (auto cookies = request.header("cookie")) {
    std::string_view value = cookie_value(*cookies, "jobwire_token");
    if (!value.empty()) return value;
  }
  if (auto param = request.param("access_token")) return *param;
  return {};
}

}  // namespace

// The name a Host header addresses, less its port: "127.0.0.1:7700" → "127.0.0.1",
// "[::1]:7700" → "[::1]".
std::string_view host_name(std::string_view host) {
  if (host.starts_with('[')) {
    size_t end = host.find(']');
    return end == std::string_view::npos ? host : host.substr(0, end + 1);
  }
  return host.substr(0, host.rfind(':'));
}

bool is_loopback_host(std::string_view host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  // An address, not a name: "127.attacker.example" is a name anyone can point anywhere.
  return host.starts_with("127.") &&
         host.find_first_not_of("0123456789.") == std::string_view::npos;
}

Access::Access(const ServerOptions& options)
    : token_(options.token), origins_(options.allow_origins), loopback_(is_loopback_host(options.host)) {}

Status Access::check_token(const Request& request) const {
  std::string_view presented = presented_token(request);
  if (presented.empty()) return Status(Code::unauthorized, "this needs the token: Authorization: Bearer <token>");
  if (!same_secret(presented, token_)) return Status(Code::unauthorized, "the token is not valid");
  return Status::Ok();
}

Status Access::check_write(const Request& request) const { return check_token(request); }

Status Access::check_read(const Request& request) const {
  if (loopback_) {
    // Open to this machine's programs, and to a browser only when it addressed the server
    // by a loopback name: a page whose own name an attacker rebinds to 127.0.0.1 (DNS
    // rebinding) reaches us with that name as its Host, and its origin looks like ours.
    auto host = request.header("host");
    if (!host || is_loopback_host(host_name(*host))) return Status::Ok();
    if (presented_token(request).empty())
      return Status(Code::unauthorized, "reads addressed to the host " + std::string(*host) +
                                            ", not to a loopback name, need the token: Authorization: Bearer <token>");
  }
  return check_token(request);
}

bool Access::origin_allowed(std::string_view origin) const {
  return std::any_of(origins_.begin(), origins_.end(),
                     [&](const std::string& allowed) { return allowed == "*" || allowed == origin; });
}

Status Access::check_origin(const Request& request) const {
  auto origin = request.header("origin");
  if (!origin) return Status::Ok();
  if (origin_allowed(*origin)) return Status::Ok();
  // Same origin: the page was served by this server (scheme://host:port where host:port is
  // the Host the browser addressed).
  auto host = request.header("host");
  size_t scheme_end = origin->find("://");
  if (host && scheme_end != std::string_view::npos && origin->substr(scheme_end + 3) == *host)
    return Status::Ok();
  return Status(Code::forbidden, "origin " + std::string(*origin) + " is not allowed");
}

void Access::add_cors(const Request& request, Response& response) const {
  auto origin = request.header("origin");
  if (!origin || !origin_allowed(*origin)) return;
  response.headers.emplace_back("Access-Control-Allow-Origin", std::string(*origin));
  response.headers.emplace_back("Access-Control-Allow-Credentials", "true");
  response.headers.emplace_back("Access-Control-Expose-Headers", "ETag, Idempotent-Replayed");
  response.headers.emplace_back("Vary", "Origin");
}

Response Access::preflight(const Request& request) const {
  Response response;
  response.status = 204;
  response.content_type.clear();
  auto origin = request.header("origin");
  if (!origin || !origin_allowed(*origin)) return response;
  // Allow-Origin itself is added by the connection, as on every answer.
  response.headers.emplace_back("Access-Control-Allow-Methods", "GET, POST, PATCH, OPTIONS");
  response.headers.emplace_back("Access-Control-Allow-Headers",
                                "Authorization, Content-Type, If-None-Match, Last-Event-ID, Idempotency-Key");
  response.headers.emplace_back("Access-Control-Max-Age", "600");
  return response;
}

}  // namespace jobwire::http
