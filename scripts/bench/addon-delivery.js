#!/usr/bin/env node
'use strict'
// Benchmark: committed event → JS subscriber callback through the addon, side by side with
// a pure-JS EventEmitter carrying the same envelopes in the same run.
//
//   node scripts/bench/addon-delivery.js [--events 1000000] [--rates 1000,10000,100000] [--seconds 3] [--json]
//   (--json: the figures as one JSON line at the end, for addon-builds.js)
//
// 1. Latency, first and on a fresh store: a producer paced at each rate calls emit() with
//    performance.now() in the data; the subscriber takes now − that at its callback, so
//    the figure spans the whole path: JS call → writer queue → group commit → hub → pump →
//    JS callback (an upper bound on commit → callback). Beside it: the same write's promise
//    resolving (its commit acknowledged), and the per-event difference, which is what
//    delivery adds. The peer: the same paced producer and envelopes through an EventEmitter.
// 2. Fill: N x.bench events written with emit(), 4 producers, 1,000 writes in flight each.
// 3. Throughput: subscribe({ after: 0 }) delivers the whole log (read by the pump thread,
//    joined, parsed once per batch): events/s, and JS-thread CPU time per event (Linux
//    schedstat of the main thread). The peer: an EventEmitter emitting the same envelopes,
//    one emit per event, to a listener doing the same work.
// Needs the addon (JOBWIRE_ADDON_PATH or build/jobwire.node).
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { EventEmitter } = require('node:events')
const jobwire = require('../..')
const { sleep, percentile, mainThreadCpuMs } = require('./lib/measure')

function parseArgs (argv) {
  const args = { events: 1_000_000, rates: [1_000, 10_000, 100_000], seconds: 3, json: false }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--events') args.events = Number(argv[++i])
    else if (argv[i] === '--rates') args.rates = argv[++i].split(',').map(Number)
    else if (argv[i] === '--seconds') args.seconds = Number(argv[++i])
    else if (argv[i] === '--json') args.json = true
    else throw new Error(`unknown argument ${argv[i]}`)
  }
  return args
}

// Runs fn(done) and measures wall time and the JS thread's CPU time until done() is called.
async function measure (fn) {
  const cpu = mainThreadCpuMs()
  const started = performance.now()
  await new Promise((resolve) => fn(resolve))
  const ms = performance.now() - started
  return { ms, activeMs: mainThreadCpuMs() - cpu }
}

async function fill (core, total) {
  const producers = 4
  const window = 1000
  const started = performance.now()
  await Promise.all(Array.from({ length: producers }, async (_, p) => {
    for (let start = p; start < total; start += producers * window) {
      const writes = []
      for (let i = start; i < Math.min(total, start + producers * window); i += producers) {
        writes.push(core.emit('x.bench', { data: { i, t: 0 } }))
      }
      await Promise.all(writes)
    }
  }))
  return total / ((performance.now() - started) / 1000)
}

// The native path: the whole log from seq 0 to one subscriber.
async function nativeThroughput (core, total) {
  let received = 0
  let last = 0
  let holes = 0
  let calls = 0
  const result = await measure((done) => {
    const stop = core.subscribe((batch) => {
      calls++
      for (const event of batch) {
        if (event.seq !== last + 1) holes++
        last = event.seq
      }
      received += batch.length
      if (received >= total) {
        stop()
        done()
      }
    }, { after: 0 })
  })
  if (holes > 0) throw new Error(`${holes} holes in the delivered sequence`)
  return { ...result, calls }
}

// The peer: the same envelopes (the first batch of the log, re-used with fresh seqs) through
// an EventEmitter, one emit per event, a listener doing the same work; emitted in slices of
// 2,048 with a macrotask in between, as a producer spread over time would.
async function emitterThroughput (sample, total) {
  const emitter = new EventEmitter()
  let last = 0
  let holes = 0
  let received = 0
  return measure((done) => {
    emitter.on('event', (event) => {
      if (event.seq !== last + 1) holes++
      last = event.seq
      received++
      if (received >= total) done()
    })
    let seq = 0
    const slice = () => {
      for (let n = 0; n < 2048 && seq < total; n++) {
        const envelope = { ...sample[seq % sample.length], seq: ++seq }
        emitter.emit('event', envelope)
      }
      if (seq < total) setImmediate(slice)
      if (holes > 0) throw new Error('holes')
    }
    slice()
  })
}

// A producer paced at `rate` events/s for `seconds`, on a 1 ms timer; `send(t)` emits one
// event stamped with t. Resolves with the number sent.
async function paced (rate, seconds, send) {
  const started = performance.now()
  let sent = 0
  const total = Math.round(rate * seconds)
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate))
    for (; sent < due; sent++) send(performance.now())
    await sleep(1)
  }
  return sent
}

// Per event: emit() call → callback, and emit() call → the write's promise resolving (the
// commit acknowledged on the JS thread). Both leave the writer at the same commit, so their
// difference shows what delivery adds beyond the write's own round trip.
async function nativeLatency (core, rate, seconds) {
  const delivered = []
  const acknowledged = []
  const stop = core.subscribe((batch) => {
    const now = performance.now()
    for (const event of batch) delivered[event.data.i] = now - event.data.t
  })
  let sent = 0
  let resolved = 0
  const result = await measure(async (done) => {
    let next = 0
    sent = await paced(rate, seconds, (t) => {
      const i = next++
      core.emit('x.latency', { data: { i, t } }).then(() => {
        acknowledged[i] = performance.now() - t
        resolved++
      })
    })
    while (resolved < sent || delivered.length < sent) await sleep(1)
    done()
  })
  stop()
  const beyond = delivered.map((ms, i) => ms - acknowledged[i]).sort((a, b) => a - b)
  delivered.sort((a, b) => a - b)
  acknowledged.sort((a, b) => a - b)
  return {
    rate: sent / (result.ms / 1000),
    p50: percentile(delivered, 0.5),
    p99: percentile(delivered, 0.99),
    max: delivered.at(-1),
    ackP50: percentile(acknowledged, 0.5),
    ackP99: percentile(acknowledged, 0.99),
    beyondP50: percentile(beyond, 0.5),
    beyondP99: percentile(beyond, 0.99),
    activeUs: (result.activeMs * 1000) / sent,
  }
}

async function emitterLatency (sample, rate, seconds) {
  const emitter = new EventEmitter()
  const latencies = []
  emitter.on('event', (event) => latencies.push(performance.now() - event.data.t))
  let seq = 0
  let sent = 0
  const result = await measure(async (done) => {
    sent = await paced(rate, seconds, (t) => emitter.emit('event', { ...sample[seq % sample.length], seq: ++seq, data: { t } }))
    done()
  })
  latencies.sort((a, b) => a - b)
  return { rate: sent / (result.ms / 1000), p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), max: latencies.at(-1), activeUs: (result.activeMs * 1000) / sent }
}

const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

async function main () {
  const args = parseArgs(process.argv.slice(2))
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobwire-bench-addon-'))
  const core = await jobwire.open({ path: path.join(dir, 'bench.db') })
  let latencyCore = null
  try {
    console.log(`addon delivery benchmark — ${os.cpus().length} × ${os.cpus()[0].model}, Node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`)
    // Latency first, on its own fresh store: the filled store below sits at its retention
    // limit, where every commit also prunes (the writer's cost, not delivery's), and the
    // throughput runs leave the heap full of garbage.
    latencyCore = await jobwire.open({ path: path.join(dir, 'latency.db') })
    // The envelopes the EventEmitter peer carries: 2,048 stored x.bench events.
    await fill(latencyCore, 2048)
    const sample = (await latencyCore.eventsAfter(0, { limit: 2048 })).events
    console.log(`latency: paced producer, ${args.seconds} s per rate, fresh store; ms from the emit() call to the subscriber callback,`)
    console.log('to the write\'s promise resolving (commit acknowledged), and callback minus acknowledgement per event')
    console.log('  target/s  achieved/s | callback p50    p99     max | ack p50    p99 | cb−ack p50    p99 | JS CPU µs/ev | EventEmitter p50 / p99')
    const figures = { latency: [], throughput: null }
    for (const rate of args.rates) {
      const n = await nativeLatency(latencyCore, rate, args.seconds)
      figures.latency.push({ rate, p50: n.p50, p99: n.p99 })
      const e = await emitterLatency(sample, rate, args.seconds)
      const c = (v, d = 3) => fmt(v, d).padStart(7)
      console.log(`  ${fmt(rate).padStart(8)}  ${fmt(n.rate).padStart(10)} | ${c(n.p50)} ${c(n.p99)} ${c(n.max, 1)} | ${c(n.ackP50)} ${c(n.ackP99)} |` +
        ` ${c(n.beyondP50)} ${c(n.beyondP99)} | ${fmt(n.activeUs, 2).padStart(11)} | ${fmt(e.p50, 4)} / ${fmt(e.p99, 4)}`)
    }
    const writeRate = await fill(core, args.events)
    console.log(`\nfill: ${fmt(args.events)} events written with emit() at ${fmt(writeRate)} events/s (4 producers, 1,000 in flight each)`)

    console.log('\nthroughput: the whole log to one subscriber (best of 3) vs an EventEmitter carrying the same envelopes')
    let best = null
    for (let run = 0; run < 3; run++) {
      const r = await nativeThroughput(core, args.events)
      if (!best || r.ms < best.ms) best = r
    }
    const peer = await emitterThroughput(sample, args.events)
    const nativeRate = args.events / (best.ms / 1000)
    const peerRate = args.events / (peer.ms / 1000)
    const nativeUs = (best.activeMs * 1000) / args.events
    const peerUs = (peer.activeMs * 1000) / args.events
    console.log(`  addon:        ${fmt(nativeRate).padStart(12)} events/s   JS-thread CPU ${fmt(nativeUs, 3)} µs/event   ${fmt(best.calls)} callbacks (${fmt(args.events / best.calls)} events each)`)
    console.log(`  EventEmitter: ${fmt(peerRate).padStart(12)} events/s   JS-thread CPU ${fmt(peerUs, 3)} µs/event`)
    console.log(`  ratio addon / EventEmitter: ${fmt(nativeRate / peerRate, 2)}× the rate, ${fmt(nativeUs / peerUs, 2)}× the JS time per event`)
    figures.throughput = { eventsPerSecond: nativeRate, usPerEvent: nativeUs, writesPerSecond: writeRate }
    if (args.json) console.log(JSON.stringify(figures))
  } finally {
    await core.close()
    if (latencyCore) await latencyCore.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
