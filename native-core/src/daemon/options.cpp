#include "daemon/options.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <string_view>
#include <thread>

namespace jobwire::daemon {
namespace {

template <class Int>
bool parse_int(std::string_view text, Int min, Int max, Int& out) {
  Int value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) return false;
  out = value;
  return true;
}

Status bad(const std::string& flag, const std::string& why) { return Status(Code::invalid_argument, flag + ": " + why); }

// A server setting's flag: an integer within the range Server::start accepts.
template <class Int>
Status parse_setting(const std::string& flag, const std::string& text, ServerOptions::Range range, Int& out) {
  if (!parse_int(text, static_cast<Int>(range.min), static_cast<Int>(range.max), out))
    return bad(flag, "must be " + range.text());
  return Status::Ok();
}

}  // namespace

std::string usage_text() {
  return std::string("usage: jobwired [--store PATH | --store postgres://...] [--host H] [--port N] [--token T]\n") +
         "                [--allow-origin ORIGIN]... [--demo] [--static DIR | --no-dashboard] [--json]\n"
         "\n"
         "  --store PATH|URL       the store: a SQLite file, or a PostgreSQL database shared by several\n"
         "                         jobwired (postgres://user@host/db; libpq's PG* variables and password\n"
         "                         file apply). Default $JOBWIRE_STORE, else ./jobwire.db. --db is the same\n"
         "  --host H               address to bind (default 127.0.0.1)\n"
         "  --port N               port (default 7700; 0 picks a free one)\n"
         "  --token T              token for writes (default $JOBWIRE_TOKEN, else generated and saved\n"
         "                         next to a SQLite file as PATH.token; a PostgreSQL store needs one)\n"
         "  --allow-origin ORIGIN  an Origin allowed for SSE, WebSocket and CORS (repeatable; * for any)\n"
         "  --demo                 run a demo producer with a realistic stream of jobs\n"
         "  --demo-speed X         demo pace multiplier (default 1)\n"
         "  --static DIR           serve DIR at / (default: the dashboard bundled with jobwired)\n"
         "  --no-dashboard         serve no dashboard at /\n"
         "  --json                 machine-readable startup lines\n"
         "  --threads N            HTTP loop threads, each serving a share of the connections\n"
         "                         (" + ServerOptions::kThreadsRange.text() + "; default: one per core but one, which the writer uses)\n"
         "  --poll-interval-ms N   polling interval clients are told (/api/config/polling; " + ServerOptions::kPollIntervalMsRange.text() + ")\n"
         "  --poll-log-interval-ms N  the same for logs   --no-polling  tell clients not to poll\n"
         "  --idempotency-key-ms N     how long an Idempotency-Key answers retries (default 86400000: 24 h)\n"
         "  --idempotency-key-count N  how many keys are kept, newest first (default 100000)\n"
         "tuning:\n"
         "  --heartbeat-ms N  --request-timeout-ms N  --max-connections N  --max-body-bytes N\n"
         "  --max-write-buffer-bytes N  --stall-timeout-ms N  --retention-events N\n"
         "  --fanout-tick-ms N  (" + ServerOptions::kFanoutTickMsRange.text() + ", default 50: more is less CPU per event, more latency)\n"
         "  --durability process|power\n";
}

Result<DaemonOptions> parse_options(int argc, char** argv) {
  DaemonOptions options;
  // A server of its own serves the cores; an app that embeds the server keeps one loop.
  // One loop per core but one: the store's writer thread (group commit, and the hub's offer
  // to every stream) is as busy as a loop under load. On two cores a second loop cost 15–20 %
  // more CPU per SSE delivery at 10,000 streams (BENCHMARKS.md, session 18).
  options.server.threads = std::max(2u, std::thread::hardware_concurrency()) - 1;  // 0: unknown
  const char* store = std::getenv("JOBWIRE_STORE");
  options.core.store = store && *store ? store : "jobwire.db";
  if (const char* token = std::getenv("JOBWIRE_TOKEN"); token && *token) {
    options.server.token = token;
    options.token_given = true;
  }
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    std::optional<std::string> inline_value;
    if (size_t eq = flag.find('='); flag.starts_with("--") && eq != std::string::npos) {
      inline_value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    }
    auto value = [&]() -> std::optional<std::string> {
      if (inline_value) return inline_value;
      if (i + 1 < argc) return std::string(argv[++i]);
      return std::nullopt;
    };
    auto needs_value = [&](std::optional<std::string>& out) -> Status {
      out = value();
      return out ? Status::Ok() : bad(flag, "needs a value");
    };
    std::optional<std::string> v;
    if (flag == "--help" || flag == "-h") {
      options.help = true;
    } else if (flag == "--version") {
      options.version = true;
    } else if (flag == "--demo") {
      options.demo = true;
    } else if (flag == "--json") {
      options.json = true;
    } else if (flag == "--db" || flag == "--store") {
      if (Status s = needs_value(v); !s.ok()) return s;
      if (v->empty()) return bad(flag, "needs a path or a postgres:// URL");
      options.core.store = *v;
    } else if (flag == "--host") {
      if (Status s = needs_value(v); !s.ok()) return s;
      if (v->empty()) return bad(flag, "needs an address");
      options.server.host = *v;
    } else if (flag == "--port") {
      if (Status s = needs_value(v); !s.ok()) return s;
      if (Status s = parse_setting(flag, *v, ServerOptions::kPortRange, options.server.port); !s.ok()) return s;
    } else if (flag == "--token") {
      if (Status s = needs_value(v); !s.ok()) return s;
      if (v->empty()) return bad(flag, "must not be empty");
      options.server.token = *v;
      options.token_given = true;
    } else if (flag == "--allow-origin") {
      if (Status s = needs_value(v); !s.ok()) return s;
      options.server.allow_origins.push_back(*v);
    } else if (flag == "--static") {
      if (Status s = needs_value(v); !s.ok()) return s;
      options.server.static_dir = *v;
    } else if (flag == "--no-dashboard") {
      options.dashboard = false;
    } else if (flag == "--demo-speed") {
      if (Status s = needs_value(v); !s.ok()) return s;
      char* end = nullptr;
      options.demo_speed = std::strtod(v->c_str(), &end);
      if (end == v->c_str() || *end || !(options.demo_speed > 0 && options.demo_speed <= 1000))
        return bad(flag, "must be a number above 0 (at most 1000)");
    } else if (flag == "--threads") {
      if (Status s = needs_value(v); !s.ok()) return s;
      if (Status s = parse_setting(flag, *v, ServerOptions::kThreadsRange, options.server.threads); !s.ok()) return s;
    } else if (flag == "--heartbeat-ms") {
      if (Status s = needs_value(v); !s.ok()) return s;
      if (Status s = parse_setting(flag, *v, ServerOptions::kTimeoutMsRange, options.server.heartbeat_ms); !s.ok()) return s;
    } else if (flag == "--request-timeout-ms") {
      if (Status s = needs_value(v); !s.ok()) return s;
      if (Status s = parse_setting(flag, *v, ServerOptions::kTimeoutMsRange, options.server.request_timeout_ms); !s.ok()) return s;
    } else if (flag == "--stall-timeout-ms") {
      if (Status s = needs_value(v); !s.ok()) return s;
      if (Status s = parse_setting(flag, *v, ServerOptions::kTimeoutMsRange, options.server.stall_timeout_ms); !s.ok()) return s;
    } else if (flag == "--fanout-tick-ms") {
      if (Status s = needs_value(v); !s.ok()) return s;
      if (Status s = parse_setting(flag, *v, ServerOptions::kFanoutTickMsRange, options.server.fanout_tick_ms); !s.ok()) return s;
    } else if (flag == "--max-connections") {
      if (Status s = needs_value(v); !s.ok()) return s;
      if (Status s = parse_setting(flag, *v, ServerOptions::kMaxConnectionsRange, options.server.max_connections); !s.ok()) return s;
    } else if (flag == "--max-body-bytes") {
      if (Status s = needs_value(v); !s.ok()) return s;
      if (Status s = parse_setting(flag, *v, ServerOptions::kMaxBodyBytesRange, options.server.max_body_bytes); !s.ok()) return s;
    } else if (flag == "--max-write-buffer-bytes") {
      if (Status s = needs_value(v); !s.ok()) return s;
      if (Status s = parse_setting(flag, *v, ServerOptions::kMaxWriteBufferBytesRange, options.server.max_write_buffer_bytes); !s.ok()) return s;
    } else if (flag == "--poll-interval-ms") {
      if (Status s = needs_value(v); !s.ok()) return s;
      if (Status s = parse_setting(flag, *v, ServerOptions::kPollIntervalMsRange, options.server.polling.interval_ms); !s.ok()) return s;
    } else if (flag == "--poll-log-interval-ms") {
      if (Status s = needs_value(v); !s.ok()) return s;
      if (Status s = parse_setting(flag, *v, ServerOptions::kPollIntervalMsRange, options.server.polling.log_interval_ms); !s.ok()) return s;
    } else if (flag == "--no-polling") {
      options.server.polling.enabled = false;
    } else if (flag == "--retention-events") {
      if (Status s = needs_value(v); !s.ok()) return s;
      if (!parse_int<int64_t>(*v, 1, INT64_MAX, options.core.retention_events)) return bad(flag, "must be at least 1");
    } else if (flag == "--idempotency-key-ms") {
      if (Status s = needs_value(v); !s.ok()) return s;
      if (!parse_int<int64_t>(*v, 1, INT64_MAX, options.core.idempotency_key_ms)) return bad(flag, "must be at least 1");
    } else if (flag == "--idempotency-key-count") {
      if (Status s = needs_value(v); !s.ok()) return s;
      if (!parse_int<int64_t>(*v, 1, INT64_MAX, options.core.idempotency_key_count))
        return bad(flag, "must be at least 1");
    } else if (flag == "--durability") {
      if (Status s = needs_value(v); !s.ok()) return s;
      if (*v == "process") options.core.sqlite.durability = Durability::process;
      else if (*v == "power") options.core.sqlite.durability = Durability::power;
      else return bad(flag, "must be process or power");
    } else {
      return bad(flag, "unknown flag (see --help)");
    }
  }
  return options;
}

}  // namespace jobwire::daemon
