#!/usr/bin/env node
// Runs every benchmark in turn (after the usual set-up), or lists them with --list.
// Each prints its own figures and its peer's, from the same run; see BENCHMARKS.md.
//   npm run bench [-- --list] [-- --only core,pg,addon,addon-writes,addon-builds,http-rest,http-fanout,stalled-readers,client,electron,python]
'use strict'
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const root = path.resolve(__dirname, '..', '..')
const node = process.execPath
const BENCHMARKS = [
  { name: 'core', cmd: path.join(root, 'build', 'bench_core'), args: ['--seconds', '3'] },
  { name: 'pg', cmd: node, args: ['scripts/bench/pg-scale-out.js', '--seconds', '3', '--idle-seconds', '10'] },
  { name: 'addon', cmd: node, args: ['scripts/bench/addon-delivery.js'] },
  { name: 'addon-writes', cmd: node, args: ['scripts/bench/addon-writes.js'] },
  { name: 'addon-builds', cmd: node, args: ['scripts/bench/addon-builds.js'], prebuild: true },
  { name: 'http-rest', cmd: node, args: ['scripts/bench/http-rest.js'] },
  { name: 'http-fanout', cmd: 'bash', args: ['scripts/bench/http-fanout.sh'] },
  { name: 'stalled-readers', cmd: node, args: ['scripts/bench/stalled-readers.js'] },
  { name: 'client', cmd: node, args: ['scripts/bench/client-traffic.js'] },
  { name: 'client', cmd: node, args: ['scripts/bench/client-main-thread.js'] },
  { name: 'client', cmd: node, args: ['scripts/bench/turn-traffic.js'] },
  { name: 'electron', cmd: node, args: ['scripts/bench/electron-bridge.js'] },
  { name: 'python', cmd: 'python3', args: ['scripts/bench/python-producer.py'] }
]

const argv = process.argv.slice(2)
const onlyIndex = argv.indexOf('--only')
const only = onlyIndex >= 0 ? new Set(argv[onlyIndex + 1].split(',')) : null
const chosen = BENCHMARKS.filter((b) => !only || only.has(b.name))
if (argv.includes('--list')) {
  const shown = (cmd) => (cmd === node ? 'node' : path.isAbsolute(cmd) ? path.relative(root, cmd) : cmd)
  for (const b of chosen) console.log(`${b.name}: ${shown(b.cmd)} ${b.args.join(' ')}`)
  process.exit(0)
}
// --for bench: the test set-up plus the load generators the benchmarks run (wrk).
const setup = spawnSync(node, ['scripts/setup.js', '--for', 'bench'], { cwd: root, stdio: 'inherit' })
if (setup.status !== 0) process.exit(1)
if (chosen.some((b) => b.prebuild) && spawnSync(node, ['scripts/prebuild.js'], { cwd: root, stdio: 'inherit' }).status !== 0) process.exit(1)
// The benchmarks measure this checkout's build, named explicitly: the loader would otherwise
// take prebuilds/ first.
const env = { ...process.env, JOBWIRE_ADDON_PATH: path.join(root, 'build', 'jobwire.node'), JOBWIRED_BIN: path.join(root, 'build', 'jobwired') }
let failed = 0
for (const b of chosen) {
  console.log(`\n=== ${b.name}: ${b.args.join(' ')}`)
  const r = spawnSync(b.cmd, b.args, { cwd: root, stdio: 'inherit', env })
  if (r.status !== 0) failed++
}
process.exit(failed ? 1 : 0)
