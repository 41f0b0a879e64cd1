#!/usr/bin/env node
'use strict'
// `jobwired` from npm (`npx jobwired`): runs the native server, found the way the addon is
// ($JOBWIRED_BIN, the prebuild for this platform, a local build), passing arguments, stdio
// and signals straight through.
const { spawn, spawnSync } = require('node:child_process')
const { locate } = require('../../addon/lib/binaries')

// A candidate counts only if it runs: a missing shared library shows here, with the
// loader's message, instead of as an unexplained exit.
function runs (file) {
  const probe = spawnSync(file, ['--version'], { encoding: 'utf8' })
  if (probe.error) throw probe.error
  if (probe.status !== 0) throw new Error((probe.stderr || `exited with ${probe.status}`).trim())
  return file
}

let bin
try {
  bin = locate('jobwired', 'JOBWIRED_BIN', runs).path
} catch (err) {
  console.error(err.message)
  process.exit(1)
}
const child = spawn(bin, process.argv.slice(2), { stdio: 'inherit' })
const forward = (signal) => child.kill(signal)
const signals = ['SIGINT', 'SIGTERM', 'SIGHUP']
for (const signal of signals) process.on(signal, forward)
child.on('exit', (code, signal) => {
  if (!signal) process.exit(code ?? 1)
  // Die of the same signal, as a shell expects.
  for (const s of signals) process.removeListener(s, forward)
  process.kill(process.pid, signal)
})
