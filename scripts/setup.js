#!/usr/bin/env node
// Brings a fresh Debian checkout to a runnable state: system packages, npm packages, the
// native build (core, addon, jobwired) and the dashboard bundle. Each step runs only when
// its output is missing or stale, so `npm start` and `npm test` can call it every time.
//   node scripts/setup.js [--for start|test|build|bench] [--build-dir DIR] [--cmake-flag=-DX=Y]...
'use strict'
const { ensureSystemPackages } = require('./lib/system-packages')
const { ensureNodeModules } = require('./lib/node-modules')
const { buildNative } = require('./lib/native-build')
const { buildDashboard } = require('./lib/dashboard-build')

function parseArgs (argv) {
  const args = { for: 'build', buildDir: 'build', cmakeFlags: [] }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--for') args.for = argv[++i]
    else if (a === '--build-dir') args.buildDir = argv[++i]
    else if (a.startsWith('--cmake-flag=')) args.cmakeFlags.push(a.slice('--cmake-flag='.length))
    else throw new Error(`setup: unknown argument ${a}`)
  }
  if (!['start', 'test', 'build', 'bench'].includes(args.for)) throw new Error('setup: --for must be start, test, build or bench')
  return args
}

function main () {
  const args = parseArgs(process.argv.slice(2))
  ensureSystemPackages(args.for)
  ensureNodeModules()
  buildNative({ buildDir: args.buildDir, cmakeFlags: args.cmakeFlags })
  buildDashboard({ buildDir: args.buildDir })
}

try {
  main()
} catch (err) {
  console.error(err.message)
  process.exit(1)
}
