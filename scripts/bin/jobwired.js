#!/usr/bin/env node
'use strict'
// `jobwired` from npm: runs the native server the build left at build/jobwired (or
// $JOBWIRED_BIN), passing arguments, stdio and signals straight through.
const path = require('node:path')
const fs = require('node:fs')
const { spawn } = require('node:child_process')

const bin = process.env.JOBWIRED_BIN || path.join(__dirname, '..', '..', 'build', 'jobwired')
if (!fs.existsSync(bin)) {
  console.error(`jobwired: ${bin} is missing; build it first with \`npm run build\``)
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
