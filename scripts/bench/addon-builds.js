#!/usr/bin/env node
'use strict'
// Benchmark: the same addon figures (addon-delivery.js: emit → callback p50/p99 at paced
// rates, events/s to JS and JS-thread µs per event) for several builds of jobwire.node,
// in one run, alternating builds round by round, in an order that rotates each round, so
// that the host's drift and the first-run-of-a-round slot fall on all of them alike. Prints each build's median over the rounds and its ratio to the first build.
//
//   node scripts/bench/addon-builds.js [--rounds 3] [--events 300000] [--rates 1000,10000] [--seconds 2]
//        [--build NAME=PATH]...
// Default builds: packaged = prebuilds/<platform>-<arch>/jobwire.node (npm run prebuild),
// development = build/jobwire.node, and system-libs = build-system-libs/jobwire.node when it
// exists (configured with -DJOBWIRE_BUNDLE_DEPS=OFF: the shared SQLite, libuv and zlib).
const fs = require('node:fs')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const root = path.resolve(__dirname, '..', '..')

function parseArgs (argv) {
  const args = { rounds: 3, events: 300_000, rates: '1000,10000', seconds: 2, builds: [] }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--rounds') args.rounds = Number(argv[++i])
    else if (argv[i] === '--events') args.events = Number(argv[++i])
    else if (argv[i] === '--rates') args.rates = argv[++i]
    else if (argv[i] === '--seconds') args.seconds = Number(argv[++i])
    else if (argv[i] === '--build') {
      const [name, file] = argv[++i].split('=')
      args.builds.push({ name, file: path.resolve(file) })
    } else throw new Error(`unknown argument ${argv[i]}`)
  }
  if (args.builds.length === 0) {
    args.builds.push({ name: 'packaged', file: path.join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'jobwire.node') })
    args.builds.push({ name: 'development', file: path.join(root, 'build', 'jobwire.node') })
    const systemLibs = path.join(root, 'build-system-libs', 'jobwire.node')
    if (fs.existsSync(systemLibs)) args.builds.push({ name: 'system-libs', file: systemLibs })
  }
  for (const b of args.builds) if (!fs.existsSync(b.file)) throw new Error(`${b.name}: ${b.file} is missing`)
  return args
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

function runOnce (build, args) {
  const r = spawnSync(process.execPath, [path.join(__dirname, 'addon-delivery.js'), '--json', '--events', String(args.events),
    '--rates', args.rates, '--seconds', String(args.seconds)], { cwd: root, encoding: 'utf8', env: { ...process.env, JOBWIRE_ADDON_PATH: build.file } })
  if (r.status !== 0) throw new Error(`${build.name}: addon-delivery.js failed\n${r.stderr}`)
  return JSON.parse(r.stdout.trim().split('\n').at(-1))
}

function main () {
  const args = parseArgs(process.argv.slice(2))
  const results = new Map(args.builds.map((b) => [b.name, []]))
  for (let round = 1; round <= args.rounds; round++) {
    const shift = (round - 1) % args.builds.length
    for (const build of [...args.builds.slice(shift), ...args.builds.slice(0, shift)]) {
      process.stdout.write(`round ${round}/${args.rounds}: ${build.name} … `)
      const figures = runOnce(build, args)
      results.get(build.name).push(figures)
      console.log(`${fmt(figures.throughput.eventsPerSecond)} events/s, ${fmt(figures.throughput.usPerEvent, 3)} µs/event`)
    }
  }
  const summary = args.builds.map((b) => {
    const runs = results.get(b.name)
    return {
      name: b.name,
      size: fs.statSync(b.file).size,
      eventsPerSecond: median(runs.map((r) => r.throughput.eventsPerSecond)),
      usPerEvent: median(runs.map((r) => r.throughput.usPerEvent)),
      latency: runs[0].latency.map((l, i) => ({ rate: l.rate, p50: median(runs.map((r) => r.latency[i].p50)), p99: median(runs.map((r) => r.latency[i].p99)) }))
    }
  })
  const base = summary[0]
  console.log(`\nmedians of ${args.rounds} rounds; ratios against ${base.name}`)
  for (const s of summary) {
    const lat = s.latency.map((l) => `${fmt(l.rate)}/s p50 ${fmt(l.p50, 3)} p99 ${fmt(l.p99, 3)} ms`).join(' · ')
    console.log(`  ${s.name.padEnd(12)} ${fmt(s.size / 1024 / 1024, 1).padStart(5)} MiB | ${fmt(s.eventsPerSecond).padStart(9)} events/s (${fmt(s.eventsPerSecond / base.eventsPerSecond, 2)}×)` +
      ` | ${fmt(s.usPerEvent, 3)} µs/event (${fmt(s.usPerEvent / base.usPerEvent, 2)}×) | ${lat}`)
  }
}

main()
