// jobwired's command line (DESIGN.md "Command line"), plus tuning flags for tests and
// operators.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "jobwire/core.h"
#include "jobwire/server.h"

namespace jobwire::daemon {

struct DaemonOptions {
  CoreOptions core;
  ServerOptions server;
  bool token_given = false;          // --token or JOBWIRE_TOKEN
  bool dashboard = true;             // --no-dashboard: nothing served at / unless --static
  bool demo = false;
  double demo_speed = 1.0;
  bool json = false;
  bool help = false;
  bool version = false;
};

// Parses argv; the error message names the flag at fault.
Result<DaemonOptions> parse_options(int argc, char** argv);

std::string usage_text();

}  // namespace jobwire::daemon
