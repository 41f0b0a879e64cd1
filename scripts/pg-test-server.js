'use strict'
// The ctest fixture of the PostgreSQL tests (tests/native/CMakeLists.txt): one private
// server for the whole run, socket-only in `dir`, so its connection string is known when
// CMake configures and the three builds (plain, ASan, TSan) never collide on a TCP port.
//   node scripts/pg-test-server.js start --dir /tmp/jobwire-pg-ctest-…
//   node scripts/pg-test-server.js stop --dir …
// The server belongs to ctest (this script's parent): if ctest is killed, the server stops
// by itself (see tests/helpers/pg-server.js).
const fs = require('node:fs')
const { startPgServer, stopPgServerAt } = require('../tests/helpers/pg-server')

async function main () {
  const [command, flag, dir] = process.argv.slice(2)
  if (!['start', 'stop'].includes(command) || flag !== '--dir' || !dir) {
    throw new Error('usage: pg-test-server.js start|stop --dir DIR')
  }
  // A server left by a run that was killed before its watchdog acted, or still running.
  await stopPgServerAt(dir)
  if (command === 'stop') return
  const pg = await startPgServer({ dir, tcp: false, owner: process.ppid })
  fs.writeFileSync(`${dir}/conninfo`, pg.conninfo + '\n')
  console.log(`pg-test-server: PostgreSQL at ${pg.conninfo}`)
}

main().catch((err) => {
  console.error(`pg-test-server: ${err.message}`)
  process.exit(1)
})
