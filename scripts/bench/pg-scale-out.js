#!/usr/bin/env node
// PostgreSQL scale-out (issue 14), beside SQLite in the same run: starts a private
// PostgreSQL (tests/helpers/pg-server.js: initdb in a temp dir, loopback, fsync on, no system
// service), runs build/bench_pg against it, stops it. Bounded: the benchmark is killed
// after --timeout seconds, and the server is stopped whatever happened (its watchdog stops
// it too if this process is killed).
//   node scripts/bench/pg-scale-out.js [--seconds 3] [--idle-seconds 10] [--timeout 180] [-- bench_pg args…]
'use strict'
const fs = require('node:fs')
const path = require('node:path')
const { spawn } = require('node:child_process')
const { startPgServer, findPgBin } = require('../../tests/helpers/pg-server')

const root = path.resolve(__dirname, '..', '..')

function parseArgs (argv) {
  const args = { seconds: '3', idleSeconds: '10', timeout: 180, extra: [] }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--seconds') args.seconds = argv[++i]
    else if (a === '--idle-seconds') args.idleSeconds = argv[++i]
    else if (a === '--timeout') args.timeout = Number(argv[++i])
    else if (a === '--') { args.extra = argv.slice(i + 1); break } else throw new Error(`pg-scale-out: unknown argument ${a}`)
  }
  return args
}

function postmasterPid (dir) {
  try { return Number(fs.readFileSync(path.join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]) } catch { return 0 }
}

function runBench (bin, argv, timeoutS) {
  return new Promise((resolve) => {
    const child = spawn(bin, argv, { cwd: root, stdio: 'inherit' })
    const timer = setTimeout(() => {
      console.error(`pg-scale-out: bench_pg ran past ${timeoutS} s; killed`)
      child.kill('SIGKILL')
    }, timeoutS * 1000)
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      resolve(code === 0 && !signal ? 0 : 1)
    })
  })
}

async function main () {
  const args = parseArgs(process.argv.slice(2))
  const bin = path.join(root, 'build', 'bench_pg')
  if (!fs.existsSync(bin)) throw new Error(`${path.relative(root, bin)} is missing: node scripts/setup.js --for bench`)
  if (!findPgBin()) throw new Error('PostgreSQL is not installed (apt-get install postgresql)')
  // The helper's test settings (shared_buffers 16MB) are a test cluster's; a benchmark gets
  // the server's own defaults for memory. Durability is the default: fsync on,
  // synchronous_commit on.
  const pg = await startPgServer({ settings: { shared_buffers: '128MB', max_connections: '200' } })
  let status = 1
  try {
    const argv = ['--store', pg.url, '--pg-pid', String(postmasterPid(pg.dir)),
      '--seconds', args.seconds, '--idle-seconds', args.idleSeconds, ...args.extra]
    console.log(`bench_pg ${argv.join(' ')}`)
    status = await runBench(bin, argv, args.timeout)
  } finally {
    await pg.stop()
  }
  process.exitCode = status
}

main().catch((err) => {
  console.error(err.message)
  process.exitCode = 1
})
