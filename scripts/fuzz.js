#!/usr/bin/env node
// Runs the libFuzzer targets (tests/fuzz) on their seed corpus, each for a bounded time,
// under ASan+UBSan. Builds build-fuzz/ with clang first when it is missing or stale (the same
// build scripts/test.js runs the C++ tests under ASan+UBSan from).
//   node scripts/fuzz.js [--seconds-each 20] [--targets a,b] [--threads N] [--json]
// --threads: the fuzzed server's loop threads (default 1).
// A crash, a leak, a hang (-timeout) or a broken invariant stops the run: the input that
// caused it is kept as the artifact the output names; make it a regression test (copy it
// into tests/fuzz/corpus/<target>/ so every later run replays it).
'use strict'
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const { buildNative, root, ASAN_FUZZ_BUILD } = require('./lib/native-build')

const TARGETS = ['fuzz_write_bodies', 'fuzz_query', 'fuzz_http_request', 'fuzz_ws_frames']

function parseArgs (argv) {
  const args = { secondsEach: 20, targets: TARGETS, threads: 1, json: false }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--seconds-each') args.secondsEach = Number(argv[++i])
    else if (argv[i] === '--targets') args.targets = argv[++i].split(',')
    else if (argv[i] === '--threads') args.threads = Number(argv[++i])
    else if (argv[i] === '--json') args.json = true
    else throw new Error(`fuzz: unknown argument ${argv[i]}`)
  }
  if (!(args.secondsEach > 0)) throw new Error('fuzz: --seconds-each must be a positive number')
  if (!(Number.isInteger(args.threads) && args.threads >= 1 && args.threads <= 256)) throw new Error('fuzz: --threads must be 1..256')
  for (const t of args.targets) if (!TARGETS.includes(t)) throw new Error(`fuzz: unknown target ${t} (${TARGETS.join(', ')})`)
  return args
}

// libFuzzer's closing lines: "stat::number_of_executed_units: N" and the last "cov: N".
function summarize (output) {
  const runs = Number(/stat::number_of_executed_units:\s*(\d+)/.exec(output)?.[1] ?? 0)
  const coverage = [...output.matchAll(/\bcov: (\d+)/g)].map((m) => Number(m[1]))
  const corpus = [...output.matchAll(/\bcorp: (\d+)/g)].map((m) => Number(m[1]))
  return { runs, coverage: coverage.at(-1) ?? 0, corpus: corpus.at(-1) ?? 0 }
}

function main () {
  const args = parseArgs(process.argv.slice(2))
  buildNative(ASAN_FUZZ_BUILD)
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'jobwire-fuzz-'))
  const results = []
  let failed = false
  for (const target of args.targets) {
    const corpus = path.join(work, target)
    fs.mkdirSync(corpus)
    const seeds = path.join(root, 'tests', 'fuzz', 'corpus', target)
    const bin = path.join(root, ASAN_FUZZ_BUILD.buildDir, 'tests', 'fuzz', target)
    if (!args.json) console.log(`fuzz: ${target} for ${args.secondsEach} s …`)
    const started = Date.now()
    // libFuzzer reports every new input: its output goes to a file, not a pipe of bounded size.
    const logPath = path.join(work, `${target}.log`)
    const log = fs.openSync(logPath, 'w')
    const r = spawnSync(bin, [`-max_total_time=${args.secondsEach}`, '-timeout=60', '-rss_limit_mb=2048', '-print_final_stats=1',
      `-artifact_prefix=${work}/${target}-`, corpus, seeds], { stdio: ['ignore', log, log], env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1', JOBWIRE_TEST_THREADS: String(args.threads) } })
    fs.closeSync(log)
    const output = fs.readFileSync(logPath, 'utf8')
    const result = { target, ok: r.status === 0, seconds: (Date.now() - started) / 1000, ...summarize(output) }
    if (!result.ok) {
      failed = true
      result.artifacts = fs.readdirSync(work).filter((f) => f.startsWith(`${target}-`)).map((f) => path.join(work, f))
      result.log = logPath
      // From the report on (what failed, and where), or the tail when the process just died.
      const lines = output.split('\n')
      const report = lines.findIndex((l) => /==ERROR|jobwire fuzz:|runtime error|deadly signal|Killed/.test(l))
      console.error((report >= 0 ? lines.slice(report, report + 40) : [`exit ${r.status} ${r.signal ?? ''}`, ...lines.slice(-20)]).join('\n'))
    }
    results.push(result)
    if (!args.json) {
      console.log(`fuzz: ${target}: ${result.ok ? 'no finding' : 'FOUND A FAILURE'} — ${result.runs.toLocaleString('en')} inputs in ` +
        `${result.seconds.toFixed(0)} s, coverage ${result.coverage} edges, corpus ${result.corpus}` +
        (result.artifacts ? `; input kept at ${result.artifacts.join(', ') || '(none)'}, whole output in ${result.log}` : ''))
    }
  }
  if (args.json) console.log(JSON.stringify({ results }, null, 2))
  if (!failed) fs.rmSync(work, { recursive: true, force: true })
  process.exit(failed ? 1 : 0)
}

try {
  main()
} catch (err) {
  console.error(err.message)
  process.exit(1)
}
