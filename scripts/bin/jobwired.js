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
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal)
  else process.exit(code ?? 1)
})
