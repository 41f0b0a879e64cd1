#!/usr/bin/env node
// The main job: jobwired on 127.0.0.1:7700 with the dashboard, the embedded SQLite file
// ./jobwire.db and the demo producer. Extra arguments go to jobwired (e.g. --port 7800).
'use strict'
const fs = require('node:fs')
const path = require('node:path')
const { spawn } = require('node:child_process')

const root = path.resolve(__dirname, '..')
const binary = process.env.JOBWIRED_BIN || path.join(root, 'build', 'jobwired')
if (!fs.existsSync(binary)) {
  console.error(`jobwired is not built yet (${binary}); run: npm run setup`)
  process.exit(1)
}
// jobwired serves the dashboard the build left beside it (build/dashboard) by itself.
const args = ['--demo', '--db', 'jobwire.db', '--host', '127.0.0.1', '--port', '7700', ...process.argv.slice(2)]

const child = spawn(binary, args, { stdio: 'inherit' })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
