// jobwired: the core as a standalone server for the web build.
//
// Signals: SIGINT and SIGTERM are blocked in every thread and taken (platform/) on the main
// thread, which then stops accepting, lets in-flight writes finish, ends the streams,
// closes the store and exits 0.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>

#include "daemon/bundled_dashboard.h"
#include "daemon/demo.h"
#include "daemon/options.h"
#include "daemon/token.h"
#include "jobwire/server.h"
#include "platform/platform.h"
#include "store/pg/pg_conn.h"

namespace {

constexpr const char* kVersion = "0.1.0";

std::string url_of(const std::string& host, int port) {
  bool v6 = host.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

void say(bool json, const nlohmann::json& line, const std::string& human) {
  if (json) {
    std::printf("%s\n", line.dump().c_str());
  } else {
    std::printf("%s\n", human.c_str());
  }
  std::fflush(stdout);
}

int fail(const std::string& message, int code = 1) {
  std::fprintf(stderr, "jobwired: %s\n", message.c_str());
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace jobwire;
  auto parsed = daemon::parse_options(argc, argv);
  if (!parsed.ok()) return fail(parsed.status().message() + "\n" + daemon::usage_text(), 2);
  daemon::DaemonOptions options = std::move(parsed).value();
  if (options.help) {
    std::fputs(daemon::usage_text().c_str(), stdout);
    return 0;
  }
  if (options.version) {
    std::printf("jobwired %s\n", kVersion);
    return 0;
  }
  // Before any thread starts, so every thread inherits the mask and only the wait below
  // sees SIGINT and SIGTERM.
  platform::block_stop_signals();
  // A full disk or a file size limit fails the write (503, nothing committed); it must not
  // end the server.
  platform::ignore_sigxfsz_unless_handled();

  // A PostgreSQL connection string may hold a password: only its host, port, database and
  // user are ever printed.
  const bool shared_store = names_postgres(options.core.store);
  const std::string store_name = shared_store ? describe_conninfo(options.core.store) : options.core.store;
  if (shared_store && !options.token_given)
    return fail("a PostgreSQL store is shared by every jobwired on it: give them one write token with --token "
                "or JOBWIRE_TOKEN",
                2);
  auto core = Core::open(options.core);
  if (!core.ok()) return fail("cannot open " + store_name + ": " + core.status().message());

  if (!options.token_given) {
    auto stored = daemon::load_or_create_token(options.core.store);
    if (!stored.ok()) return fail(stored.status().message());
    options.server.token = stored->token;
    if (stored->generated) {
      say(options.json, {{"event", "token"}, {"token", stored->token}, {"file", stored->file}, {"generated", true}},
          "jobwired token (generated, saved in " + stored->file + "; set JOBWIRE_TOKEN for producers): " +
              stored->token);
    } else {
      say(options.json, {{"event", "token"}, {"file", stored->file}, {"generated", false}},
          "jobwired token: read from " + stored->file);
    }
  }

  if (options.server.static_dir.empty() && options.dashboard) options.server.static_dir = daemon::bundled_dashboard_dir();
  auto server = Server::start(core.value(), options.server);
  if (!server.ok()) {
    core.value()->close();
    return fail(server.status().message());
  }
  std::string url = url_of(options.server.host, server.value()->port());
  say(options.json,
      {{"event", "listening"},
       {"url", url},
       {"host", options.server.host},
       {"port", server.value()->port()},
       {"threads", options.server.threads},
       {"db", store_name},
       {"dashboard", options.server.static_dir},
       {"epoch", core.value()->log_info().epoch}},
      "jobwired listening on " + url +
          (options.server.static_dir.empty() ? "" : " (dashboard at /, from " + options.server.static_dir + ")"));

  std::unique_ptr<daemon::DemoProducer> demo;
  if (options.demo) {
    demo = std::make_unique<daemon::DemoProducer>(core.value(), options.demo_speed);
    demo->start();
    say(options.json, {{"event", "demo"}, {"speed", options.demo_speed}}, "jobwired demo producer running");
  }

  const std::string signal_name = platform::wait_for_stop_signal();
  say(options.json, {{"event", "stopping"}, {"signal", signal_name}}, "jobwired stopping (" + signal_name + ")");
  if (demo) demo->stop();
  server.value()->stop();
  core.value()->close();
  say(options.json, {{"event", "stopped"}}, "jobwired stopped");
  return 0;
}
