// What the socket fuzz targets share: one real jobwired engine for the whole run (a real
// core on a SQLite file in a temp dir, the HTTP server on a loopback port, token "fuzz", a
// running job "fuzz-job" for the write routes), and one exchange per input: connect, send
// the bytes, half-close, and read until the server closes. A server that neither answers
// nor closes within 30 s after its client went quiet is a finding (it would leak the
// connection), and so is an answer that is not HTTP.
#pragma once

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>

#include "http_client.h"
#include "server_threads.h"
#include "jobwire/core.h"
#include "jobwire/server.h"

namespace jobwire_fuzz {

class FuzzServer {
 public:
  static FuzzServer& get() {
    static FuzzServer server;
    return server;
  }

  int port() const { return server_->port(); }

  // Sends `bytes` on a new connection and returns everything the server sent before closing.
  std::string exchange(const std::string& bytes) {
    int fd = jobwire_test::connect_loopback(port());
    if (fd < 0) fail((std::string("cannot connect to the server: ") + std::strerror(errno)).c_str());
    timeval timeout{30, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    for (size_t sent = 0; sent < bytes.size();) {
      ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // the server may close early (a refused request): that is fine
      sent += static_cast<size_t>(n);
    }
    ::shutdown(fd, SHUT_WR);
    std::string answer;
    char chunk[16384];
    for (;;) {
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n == 0) break;
      // libFuzzer's own -timeout alarm interrupts a blocking call now and then: not a finding.
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        if (errno == ECONNRESET) break;
        report_state(fd);
        ::close(fd);
        fail("the server neither answered nor closed within 30 s of its client going quiet");
      }
      answer.append(chunk, static_cast<size_t>(n));
    }
    ::close(fd);
    if (!answer.empty() && answer.rfind("HTTP/1.1 ", 0) != 0) fail("the server answered something that is not HTTP/1.1");
    return answer;
  }

 private:
  // What the server says of itself on a new connection, to tell a stuck loop (no answer)
  // from one stuck connection (the gauges and counters), and what the kernel holds for the
  // hanging connection (`ss`, where installed): whether the server's side was ever read.
  void report_state(int fd) {
    sockaddr_in local{};
    socklen_t length = sizeof local;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length);
    std::string command = "ss -tanoi '( sport = :" + std::to_string(ntohs(local.sin_port)) +
                          " or dport = :" + std::to_string(ntohs(local.sin_port)) + " )' 2>/dev/null";
    if (FILE* ss = ::popen(command.c_str(), "r")) {
      char line[512];
      while (std::fgets(line, sizeof line, ss)) std::fprintf(stderr, "jobwire fuzz: ss: %s", line);
      ::pclose(ss);
    }
    jobwire_test::HttpClient probe(port());
    std::string metrics = jobwire_test::body_of(probe.request("GET", "/metrics", {}, "Authorization: Bearer fuzz\r\n"));
    if (metrics.empty()) std::fprintf(stderr, "jobwire fuzz: /metrics did not answer either: the loop is stuck\n");
    for (size_t at = 0; at < metrics.size();) {
      size_t end = metrics.find('\n', at);
      std::string line = metrics.substr(at, end - at);
      if (line.rfind("jobwire_connections", 0) == 0 || line.rfind("jobwire_accepted", 0) == 0 ||
          line.rfind("jobwire_refused", 0) == 0 || line.rfind("jobwire_dropped", 0) == 0 || line.rfind("jobwire_stream_held", 0) == 0)
        std::fprintf(stderr, "jobwire fuzz: %s\n", line.c_str());
      if (end == std::string::npos) break;
      at = end + 1;
    }
  }

  FuzzServer() {
    std::string pattern = (std::filesystem::temp_directory_path() / "jobwire-fuzz-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
    jobwire::CoreOptions options;
    options.store = dir_ + "/fuzz.db";
    auto core = jobwire::Core::open(options);
    if (!core.ok()) fail(core.status().message().c_str());
    core_ = core.value();
    jobwire::NewJob job;
    job.id = "fuzz-job";
    job.type = "fuzz";
    if (!core_->create_job(job).ok() || !core_->set_status("fuzz-job", jobwire::JobStatus::running).ok())
      fail("cannot create the fuzz job");
    jobwire::ServerOptions server_options;
    server_options.port = 0;
    server_options.token = "fuzz";
    server_options.request_timeout_ms = 2000;
    server_options.threads = jobwire_test::server_threads();  // scripts/fuzz.js --threads N
    auto server = jobwire::Server::start(core_, server_options);
    if (!server.ok()) fail(server.status().message().c_str());
    server_ = std::move(server).value();
  }

  ~FuzzServer() {
    server_->stop();
    core_->close();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  [[noreturn]] static void fail(const char* why) {
    std::fprintf(stderr, "jobwire fuzz: %s\n", why);
    std::abort();
  }

  std::string dir_;
  std::shared_ptr<jobwire::Core> core_;
  std::unique_ptr<jobwire::Server> server_;
};

}  // namespace jobwire_fuzz
