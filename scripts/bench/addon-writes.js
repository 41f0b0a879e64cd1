#!/usr/bin/env node
'use strict'
// Benchmark: durable progress updates from JS through the addon, side by side in one run
// with what a user would otherwise write, a better-sqlite3 job tracker
// (peers/better-sqlite3-tracker.js) committing one transaction per event-loop turn, and the
// same tracker committing one transaction per update.
//
//   node scripts/bench/addon-writes.js [--seconds 3] [--rate 10000]
//
// 1. Saturated: 16 producers, each on its own job, each keeping 64 setProgress calls in
//    flight, for --seconds. Per system: durable updates/s (promises resolved after commit),
//    main-thread CPU µs per update (Linux schedstat of the main thread, so threads the
//    system runs elsewhere are not charged here, and neither is time spent waiting for a
//    CPU), and call → callback p99: from the setProgress call to the subscriber receiving
//    that update's envelope.
// 2. Paced: --rate updates/s spread over the 16 jobs, on a 1 ms timer: call → callback.
//
// jobwire runs with progressFlushMs: 0, so its subscriber gets every update's envelope, as
// the peers' do (by default it coalesces a job's undrained progress events).
// Needs the addon (JOBWIRE_ADDON_PATH or build/jobwire.node); installs better-sqlite3 into
// scripts/bench/peers/node_modules the first time.
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const jobwire = require('../..')
const { ensurePeers } = require('./peers/install')
const { sleep, percentile, mainThreadCpuMs } = require('./lib/measure')

const PRODUCERS = 16
const IN_FLIGHT = 64

function parseArgs (argv) {
  const args = { seconds: 3, rate: 10_000 }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--seconds') args.seconds = Number(argv[++i])
    else if (argv[i] === '--rate') args.rate = Number(argv[++i])
    else throw new Error(`unknown argument ${argv[i]}`)
  }
  return args
}

// Each system as the benchmark drives it: createJob() → id, setProgress(id, percent) → a
// promise settled after commit, subscribe(fn) → stop, close().
async function openJobwire (file) {
  const core = await jobwire.open({ path: file, progressFlushMs: 0 })
  return {
    name: 'jobwire addon',
    createJob: async () => (await core.createJob({ type: 'bench' })).id,
    setProgress: (id, percent) => core.setProgress(id, percent),
    subscribe: (fn) => core.subscribe(fn),
    close: () => core.close(),
  }
}

function openTracker (file, batched) {
  const { Tracker } = require('./peers/better-sqlite3-tracker')
  const tracker = new Tracker(file, { batched })
  return {
    name: batched ? 'better-sqlite3, one tx per turn' : 'better-sqlite3, one tx per update',
    createJob: async () => tracker.createJob({ type: 'bench' }).id,
    setProgress: (id, percent) => tracker.setProgress(id, percent),
    subscribe: (fn) => tracker.subscribe(fn),
    close: async () => tracker.close(),
  }
}

// Call times per job, in call order: a job's envelopes arrive in the order of its calls,
// so each callback takes the oldest call time of its job.
class CallTimes {
  #byJob = new Map()
  latencies = []
  delivered = 0
  called = 0

  constructor (ids) {
    for (const id of ids) this.#byJob.set(id, { times: [], head: 0 })
  }

  call (id) {
    this.#byJob.get(id).times.push(performance.now())
    this.called++
  }

  onBatch (batch) {
    const now = performance.now()
    for (const event of batch) {
      if (event.type !== 'job.progress') continue
      const calls = this.#byJob.get(event.job)
      if (!calls) continue
      this.latencies.push(now - calls.times[calls.head++])
      this.delivered++
    }
  }

  async allDelivered () {
    while (this.delivered < this.called) await sleep(1)
    return this.latencies.sort((a, b) => a - b)
  }
}

async function createJobs (system) {
  const ids = []
  for (let p = 0; p < PRODUCERS; p++) ids.push(await system.createJob())
  return ids
}

async function saturated (system, seconds) {
  const ids = await createJobs(system)
  const calls = new CallTimes(ids)
  const stop = system.subscribe((batch) => calls.onBatch(batch))
  let resolved = 0
  // A deadline, not a timer: the per-update peer settles inside the call, so its producers
  // loop on microtasks and a timer would never get to run.
  let deadline
  const slot = async (id, n) => {
    while (performance.now() < deadline) {
      calls.call(id)
      await system.setProgress(id, n++ % 100)
      resolved++
    }
  }
  const cpu = mainThreadCpuMs()
  const started = performance.now()
  deadline = started + seconds * 1000
  await Promise.all(ids.flatMap((id) => Array.from({ length: IN_FLIGHT }, (_, s) => slot(id, s))))
  const ms = performance.now() - started
  const cpuMs = mainThreadCpuMs() - cpu
  const latencies = await calls.allDelivered()
  stop()
  return { rate: resolved / (ms / 1000), usPerUpdate: (cpuMs * 1000) / resolved, busy: cpuMs / ms, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) }
}

async function paced (system, rate, seconds) {
  const ids = await createJobs(system)
  const calls = new CallTimes(ids)
  const stop = system.subscribe((batch) => calls.onBatch(batch))
  const writes = []
  const total = Math.round(rate * seconds)
  const started = performance.now()
  let sent = 0
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate))
    for (; sent < due; sent++) {
      const id = ids[sent % ids.length]
      calls.call(id)
      writes.push(system.setProgress(id, sent % 100))
    }
    await sleep(1)
  }
  await Promise.all(writes)
  const latencies = await calls.allDelivered()
  stop()
  return { rate: sent / ((performance.now() - started) / 1000), p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), max: latencies.at(-1) }
}

const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

async function main () {
  const args = parseArgs(process.argv.slice(2))
  ensurePeers()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobwire-bench-writes-'))
  try {
    console.log(`addon write benchmark — ${os.cpus().length} × ${os.cpus()[0].model}, Node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`)
    let stores = 0
    const fresh = () => path.join(dir, `store-${++stores}.db`)
    const openers = [() => openJobwire(fresh()), () => openTracker(fresh(), true), () => openTracker(fresh(), false)]

    console.log(`\nsaturated: ${PRODUCERS} producers × ${IN_FLIGHT} setProgress in flight, ${args.seconds} s each, a fresh store each`)
    console.log('  system                              updates/s   main-thread µs/update   busy   call→callback p50      p99')
    const results = []
    for (const open of openers) {
      const system = await open()
      try {
        const r = await saturated(system, args.seconds)
        results.push({ name: system.name, ...r })
        console.log(`  ${system.name.padEnd(34)} ${fmt(r.rate).padStart(10)}   ${fmt(r.usPerUpdate, 2).padStart(21)}   ${fmt(r.busy * 100).padStart(3)} %` +
          `   ${fmt(r.p50, 2).padStart(9)} ms ${fmt(r.p99, 2).padStart(8)} ms`)
      } finally {
        await system.close()
      }
    }
    const [ours, ...peers] = results
    for (const peer of peers) {
      console.log(`  jobwire / ${peer.name}: ${fmt(ours.rate / peer.rate, 2)}× the updates/s, ${fmt(ours.usPerUpdate / peer.usPerUpdate, 2)}× the main-thread µs/update, ${fmt(ours.p99 / peer.p99, 2)}× the p99`)
    }

    console.log(`\npaced: ${fmt(args.rate)} updates/s over ${PRODUCERS} jobs, ${args.seconds} s, a fresh store each; ms from the setProgress call to the callback`)
    console.log('  system                              achieved/s        p50       p99       max')
    for (const open of openers) {
      const system = await open()
      try {
        const r = await paced(system, args.rate, args.seconds)
        console.log(`  ${system.name.padEnd(34)} ${fmt(r.rate).padStart(10)}  ${fmt(r.p50, 3).padStart(9)} ${fmt(r.p99, 3).padStart(9)} ${fmt(r.max, 2).padStart(9)}`)
      } finally {
        await system.close()
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
