#!/usr/bin/env node
// Runs every test: the C++ core under ctest (plain, then ASan+UBSan, then TSan builds) and the
// libFuzzer targets briefly, then the Node suites (addon, HTTP, client, Electron, browser) with
// node --test, the Python package's suite, and last the package suite (the release tarball
// installed into new projects).
//   node scripts/test.js [--quick]   --quick skips the sanitizer builds (local iteration)
'use strict'
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const { buildNative, ASAN_FUZZ_BUILD } = require('./lib/native-build')

const root = path.resolve(__dirname, '..')
const jobs = String(Math.max(1, os.cpus().length))
const quick = process.argv.includes('--quick')
const results = []

function step (name, cmd, args, env = {}) {
  console.log(`\n=== ${name}`)
  const started = Date.now()
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } })
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  results.push({ name, ok: r.status === 0, seconds })
  console.log(`=== ${name}: ${r.status === 0 ? 'passed' : 'FAILED'} in ${seconds} s`)
}

function ctest (buildDir, name, env) {
  step(name, 'ctest', ['--test-dir', buildDir, '--output-on-failure', '--no-tests=error', '--parallel', jobs], env)
}

function sanitizerBuild (flag, dir) {
  // The core and the HTTP path with their tests; the addon is a Node module and is not
  // loaded under a sanitizer runtime, and the benchmarks are not run here.
  buildNative({ buildDir: dir, cmakeFlags: [`-D${flag}=ON`, '-DJOBWIRE_ADDON=OFF', '-DJOBWIRE_BENCH=OFF', '-DCMAKE_BUILD_TYPE=Debug'] })
}

function nodeTestFiles (suites) {
  const dirs = suites.map((d) => path.join(root, 'tests', d))
  const files = []
  const walk = (dir) => {
    if (!fs.existsSync(dir)) return
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (/\.test\.(js|mjs)$/.test(entry.name)) files.push(path.relative(root, full))
    }
  }
  dirs.forEach(walk)
  return files.sort()
}

// npm test installs PostgreSQL (scripts/lib/system-packages.js), so its tests must run here:
// a missing server fails them instead of letting them report a skip.
const pgRequired = { JOBWIRE_PG_REQUIRED: '1' }

ctest('build', 'C++ core (ctest)', pgRequired)
if (!quick) {
  buildNative(ASAN_FUZZ_BUILD) // clang, ASan+UBSan; the libFuzzer step below uses the same build
  ctest(ASAN_FUZZ_BUILD.buildDir, 'C++ core under ASan+UBSan (clang)', { ...pgRequired, ASAN_OPTIONS: 'detect_leaks=1', UBSAN_OPTIONS: 'print_stacktrace=1' })
  sanitizerBuild('JOBWIRE_TSAN', 'build-tsan')
  ctest('build-tsan', 'C++ core under TSan', { ...pgRequired, TSAN_OPTIONS: 'halt_on_error=1 second_deadlock_stack=1' })
  // libFuzzer (clang), briefly: each run also replays the seed corpus, which keeps every
  // input that once failed (tests/fuzz/corpus). `node scripts/fuzz.js --seconds-each N` runs longer.
  step('libFuzzer targets, 10 s each, ASan+UBSan (scripts/fuzz.js)', process.execPath,
    [path.join(root, 'scripts', 'fuzz.js'), '--seconds-each', '10'])
}
// Suites that assert a time bound an issue names (the event loop held ≤ 50 ms, a long-poll
// answered within 50 ms) run first and alone: next to a headless Chromium suite on two cores
// they measure the neighbour as much as jobwire.
const TIMING_BOUND = ['tests/addon/50.responsiveness.test.js', 'tests/http/events-poll.test.js']
// The suites test this checkout's build, named explicitly: the loader would otherwise take
// prebuilds/ first, which `npm run prebuild` made from an earlier build.
const thisBuild = { JOBWIRE_ADDON_PATH: path.join(root, 'build', 'jobwire.node'), JOBWIRED_BIN: path.join(root, 'build', 'jobwired'), ...pgRequired }
const files = nodeTestFiles(['addon', 'http', 'scale-out', 'client', 'electron', 'browser'])
const timed = files.filter((file) => TIMING_BOUND.includes(file.split(path.sep).join('/')))
const rest = files.filter((file) => !timed.includes(file))
if (timed.length !== TIMING_BOUND.length) throw new Error(`scripts/test.js: a timing-bound suite is missing: ${TIMING_BOUND}`)
step('Timing-bound suites, alone (node --test)', process.execPath,
  ['--test', '--test-concurrency=1', '--test-timeout=240000', ...timed], thisBuild)
if (rest.length > 0) {
  step('Node, HTTP, scale-out, client, Electron and browser suites (node --test)', process.execPath,
    ['--test', '--test-concurrency=2', '--test-timeout=240000', ...rest], thisBuild)
}
// The HTTP suites once more on two loop threads (tests/helpers/jobwired.js passes --threads),
// but the timing-bound one, which ran alone above.
step('HTTP suites on 2 loop threads (node --test)', process.execPath,
  ['--test', '--test-concurrency=2', '--test-timeout=240000', ...nodeTestFiles(['http']).filter((file) => !timed.includes(file))],
  { ...thisBuild, JOBWIRE_TEST_THREADS: '2' })
// The reliability suites load the machine on purpose (churn, kill -9 under load, slowloris):
// they run in a step of their own, so a browser suite's timers never share the cores with them.
step('Reliability suites: churn, faults, abuse (node --test)', process.execPath,
  ['--test', '--test-concurrency=2', '--test-timeout=240000', ...nodeTestFiles(['reliability'])], thisBuild)
// The Python producer package against this build's jobwired (python/README.md), including
// its offline `pip install ./python` into a new venv.
step('Python producer package (python3 -m unittest)', 'python3',
  ['-m', 'unittest', 'discover', '-s', 'python/tests', '-v'], { JOBWIRED_BIN: thisBuild.JOBWIRED_BIN })
// Last and alone: it packs a release and builds one from source inside a new project.
step('Package: npm run prebuild, npm pack, npm install in new projects (node --test)', process.execPath,
  ['--test', '--test-concurrency=1', '--test-timeout=1800000', ...nodeTestFiles(['package'])])

console.log('\n=== summary')
for (const r of results) console.log(`${r.ok ? 'ok    ' : 'FAILED'} ${r.name} (${r.seconds} s)`)
process.exit(results.every((r) => r.ok) ? 0 : 1)
