// A blocking loopback HTTP client for the server tests: plain sockets with a receive
// timeout, so a test fails instead of hanging. Responses are read by Content-Length; a
// stream is read incrementally with read_until.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <map>
#include <string>

namespace jobwire_test {

// A TCP socket connected to 127.0.0.1:port; -1 with errno set when the connect failed.
inline int connect_loopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int result = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  if (result != 0 && errno == EINTR) {
    // A signal (libFuzzer's -timeout alarm, on a loaded machine where the SYN waits in a full
    // backlog) interrupted the connect. The kernel goes on with it: wait for its outcome.
    pollfd wanted{fd, POLLOUT, 0};
    int ready;
    do ready = ::poll(&wanted, 1, 30'000);
    while (ready < 0 && errno == EINTR);
    int error = ready > 0 ? 0 : ETIMEDOUT;
    socklen_t length = sizeof error;
    if (ready > 0) ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
    result = error == 0 ? 0 : -1;
    errno = error;
  }
  if (result == 0) return fd;
  int error = errno;
  ::close(fd);
  errno = error;  // for the caller's message
  return -1;
}

// The bytes of one HTTP/1.1 request; a body is sent as JSON with its Content-Length.
inline std::string request_bytes(const std::string& method, const std::string& target, const std::string& body = {},
                                 const std::string& extra_headers = {}) {
  std::string out = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers;
  if (!body.empty()) out += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  return out + "\r\n" + body;
}

class HttpClient {
 public:
  explicit HttpClient(int port) : fd_(connect_loopback(port)), connected_(fd_ >= 0) {
    timeval timeout{5, 0};
    if (connected_) ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~HttpClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  bool connected() const { return connected_; }

  void send(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<size_t>(n);
    }
  }

  // Reads until `needle` has arrived at or after `from` (or the peer closed, or 5 s passed);
  // returns all so far.
  const std::string& read_until(const std::string& needle, size_t from = 0) {
    while (buffer_.find(needle, from) == std::string::npos && fill()) {
    }
    return buffer_;
  }

  // Reads one whole response (headers and a Content-Length body) and removes it from the
  // buffer. Empty when none arrived.
  std::string response() {
    read_until("\r\n\r\n");
    size_t head_end = buffer_.find("\r\n\r\n");
    if (head_end == std::string::npos) return {};
    size_t length = 0;
    size_t at = buffer_.find("Content-Length: ");
    if (at != std::string::npos && at < head_end) length = std::strtoul(buffer_.c_str() + at + 16, nullptr, 10);
    while (buffer_.size() < head_end + 4 + length && fill()) {
    }
    std::string whole = buffer_.substr(0, head_end + 4 + length);
    buffer_.erase(0, whole.size());
    return whole;
  }

  // One request on this connection; returns the response.
  std::string request(const std::string& method, const std::string& target, const std::string& body = {},
                      const std::string& extra_headers = {}) {
    send(request_bytes(method, target, body, extra_headers));
    return response();
  }

  // Goes away abruptly, with a reset (a client killed or cut off) instead of a FIN.
  void reset() {
    linger abort_on_close{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
    ::close(fd_);
    fd_ = -1;
  }

  // True when the server closed the connection (read returns 0) within the timeout.
  bool closed_by_peer() {
    while (fill()) {
    }
    return eof_;
  }

 private:
  bool fill() {
    char chunk[16384];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n == 0) eof_ = true;
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  bool eof_ = false;
  std::string buffer_;
};

inline int status_of(const std::string& response) {
  return response.size() > 12 ? std::atoi(response.c_str() + 9) : 0;
}

inline std::string body_of(const std::string& response) {
  size_t at = response.find("\r\n\r\n");
  return at == std::string::npos ? std::string() : response.substr(at + 4);
}

// Open connections by transport (http, longpoll, sse, ws), from the server's /metrics; the
// request asking counts as one http connection.
inline std::map<std::string, int> open_connections(int port, const std::string& auth_header) {
  HttpClient client(port);
  std::string metrics = body_of(client.request("GET", "/metrics", {}, auth_header));
  std::map<std::string, int> gauges;
  for (const char* transport : {"http", "longpoll", "sse", "ws"}) {
    const std::string series = std::string("jobwire_connections{transport=\"") + transport + "\"} ";
    size_t at = metrics.find(series);
    gauges[transport] = at == std::string::npos ? -1 : std::atoi(metrics.c_str() + at + series.size());
  }
  return gauges;
}

}  // namespace jobwire_test
