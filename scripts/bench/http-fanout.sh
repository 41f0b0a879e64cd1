#!/usr/bin/env bash
# Raises the open-file limit (10,000 clients need as many sockets on each side), then runs
# the SSE fan-out benchmark. Arguments pass through to http-fanout.js.
set -euo pipefail
ulimit -n "$(ulimit -Hn)"
exec node "$(dirname "$0")/http-fanout.js" "$@"
