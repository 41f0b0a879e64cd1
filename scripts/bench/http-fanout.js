#!/usr/bin/env node
'use strict'
// SSE fan-out: N clients, a producer writing R events/s for S seconds through the write
// API; deliveries/s, p50/p99 delivery latency (producer send → client receipt), RSS per idle
// client and server CPU, for jobwired and the Node peer in the same run.
//   scripts/bench/http-fanout.sh [--clients 10000] [--rate 100] [--seconds 10]
//     [--client native|node] [--procs P] [--sample-every 20] [--only jobwired|peer]
//     [--threads N] [--fanout-tick-ms MS] [--host ADDR] [--client-host SSH_HOST [--client-bin PATH]]
//     [--server-cpus LIST --client-cpus LIST]
// (the .sh raises the open-file limit first). The SSE connections are held by P load
// processes: build/bench_sse_client (native, C++/libuv; the default once built, P = 1) or
// lib/sse-load-client.js (node, P = 4). At ~1 M frames/s Node load processes lag by
// themselves on a 2-core box and their lag lands in the measured latency.
// --threads: jobwired's loop threads (default: its own, one per core but one).
// --fanout-tick-ms: jobwired's sweep tick (default: its own, 50).
// On a bigger machine the load runs elsewhere: --host is the address jobwired binds, which the
// client machine reaches (reads then need the token: the streams carry it); --client-host
// runs each native load process there over ssh (`ssh SSH_HOST PATH ...`; --client-bin is
// its path there, default this checkout's). Latency then compares two machines' clocks:
// keep them synchronised (chrony/PTP) or read only the throughput and CPU columns. The Node
// peer listens on loopback only: with --client-host, add --only jobwired.
// --server-cpus / --client-cpus (taskset lists, e.g. 0-2 and 3-15) keep the server and the
// load (clients and producer) on separate cores of one machine, for a many-core box without
// a second machine to hold the clients.
const fs = require('node:fs')
const http = require('node:http')
const path = require('node:path')
const readline = require('node:readline')
const { EventEmitter } = require('node:events')
const { fork, spawn, spawnSync } = require('node:child_process')
const { performance } = require('node:perf_hooks')
const { startJobwired, startPeer, rssBytes, cpuSeconds, threadCpuSeconds, root } = require('./lib/servers')

function arg (name, fallback) {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : fallback
}
const clients = Number(arg('clients', 10000))
const rate = Number(arg('rate', 100))
const seconds = Number(arg('seconds', 10))
const nativeClientBin = path.join(root, 'build', 'bench_sse_client')
const clientKind = arg('client', fs.existsSync(nativeClientBin) ? 'native' : 'node')
if (clientKind !== 'native' && clientKind !== 'node') throw new TypeError('--client must be native or node')
if (clientKind === 'native' && !fs.existsSync(nativeClientBin)) {
  throw new Error(`${nativeClientBin} is missing: cmake --build build --target bench_sse_client`)
}
const procs = Number(arg('procs', clientKind === 'native' ? 1 : 4))
const sampleEvery = Number(arg('sample-every', 20))
const only = arg('only', null)
const threads = arg('threads', null)
const tickMs = arg('fanout-tick-ms', null)
const host = arg('host', '127.0.0.1')
const clientHost = arg('client-host', null)
const clientBin = arg('client-bin', nativeClientBin)
const serverCpus = arg('server-cpus', null)
const clientCpus = arg('client-cpus', null)
if (clientHost && clientKind !== 'native') throw new TypeError('--client-host runs the native load client only')
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const now = () => performance.timeOrigin + performance.now()

// Moves every thread of a process (and the threads and children it starts later) to `cpus`.
function pinToCpus (pid, cpus) {
  const r = spawnSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { encoding: 'utf8' })
  if (r.error || r.status !== 0) throw new Error(`taskset -c ${cpus} failed: ${r.error?.message || r.stderr.trim()}`)
}

function percentile (sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN
}

// The native load process, dressed as a forked child: its stdout lines arrive as 'message'
// events and send(text) writes a command line, so ask() treats both kinds alike.
function spawnNativeClient (args) {
  const proc = clientHost
    ? spawn('ssh', ['-T', clientHost, clientBin, ...args.map((a) => `'${a}'`)], { stdio: ['pipe', 'pipe', 'inherit'] })
    : spawn(nativeClientBin, args, { stdio: ['pipe', 'pipe', 'inherit'] })
  const child = new EventEmitter()
  readline.createInterface({ input: proc.stdout, crlfDelay: Infinity })
    .on('line', (line) => child.emit('message', JSON.parse(line)))
  proc.on('error', (err) => child.emit('message', { type: 'error', message: String(err) }))
  proc.on('exit', (code, signal) => {
    if (code !== 0) child.emit('message', { type: 'error', message: `bench_sse_client exited (${signal || code})` })
  })
  proc.stdin.on('error', () => {}) // a client that has exited cannot read its commands: the exit says why
  child.send = (text) => proc.stdin.write(`${text}\n`)
  child.kill = (sig) => proc.kill(sig)
  return child
}

function startLoadClient (args) {
  return clientKind === 'native' ? spawnNativeClient(args) : fork(path.join(__dirname, 'lib', 'sse-load-client.js'), args)
}

function ask (children, message, type) {
  return Promise.all(children.map((child) => new Promise((resolve, reject) => {
    const onMessage = (m) => {
      if (m.type === 'error') return reject(new Error(m.message))
      if (m.type === type) { child.removeListener('message', onMessage); resolve(m) }
    }
    child.on('message', onMessage)
    if (message) child.send(message)
  })))
}

// jobwired's fan-out sweeps so far, from /metrics (null for the peer, which has none).
async function sweepTotals (server) {
  const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${server.token}` } })
  const text = res.ok ? await res.text() : ''
  const count = /^jobwire_fanout_sweep_seconds_count (\d+)$/m.exec(text)
  const sum = /^jobwire_fanout_sweep_seconds_sum ([\d.]+)$/m.exec(text)
  const buckets = [...text.matchAll(/^jobwire_fanout_sweep_seconds_bucket\{le="([\d.]+)"\} (\d+)$/gm)]
    .map(([, le, n]) => ({ ms: 1000 * Number(le), within: Number(n) }))
  return count && sum ? { count: Number(count[1]), seconds: Number(sum[1]), buckets } : null
}

// The sweeps of a run, from two readings of /metrics: how many, their average, and the
// bucket bound that holds 50 % and 99 % of them (the tail of delivery latency under load).
function sweepsBetween (before, after) {
  const count = after.count - before.count
  const bound = (share) => {
    const bucket = after.buckets.find((b, i) => b.within - before.buckets[i].within >= share * count)
    return bucket ? `≤ ${bucket.ms}` : `> ${after.buckets.at(-1).ms}`
  }
  return { count, averageMs: (1000 * (after.seconds - before.seconds)) / Math.max(1, count), p50: bound(0.5), p99: bound(0.99) }
}

async function run (server) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 })
  const post = (body) => new Promise((resolve) => {
    const req = http.request(`${server.url}/api/events`, {
      method: 'POST', agent, headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' }
    }, (res) => { res.resume(); res.on('end', resolve) })
    req.on('error', resolve)
    req.end(JSON.stringify(body))
  })
  const head = await (await fetch(`${server.url}/healthz`)).json()
  const rssBefore = rssBytes(server.pid)
  const children = Array.from({ length: procs }, (_, i) => startLoadClient(
    [server.url, String(Math.floor(clients / procs) + (i < clients % procs ? 1 : 0)), String(sampleEvery),
      `/api/events/stream?after=${head.seq}&access_token=${server.token}`]))
  try {
    const ready = await ask(children, null, 'ready')
    const connected = ready.reduce((n, r) => n + r.open, 0)
    await sleep(2000)
    const rssIdle = rssBytes(server.pid)
    children.forEach((c) => c.send('reset'))
    await sleep(200)

    const sweepsBefore = await sweepTotals(server)
    const cpuBefore = cpuSeconds(server.pid)
    const threadsBefore = threadCpuSeconds(server.pid)
    const started = now()
    const total = rate * seconds
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / rate
      const wait = due - now()
      if (wait > 1) await sleep(wait)
      post({ type: 'x.bench', data: { i, t: now() } })
    }
    // Let deliveries finish: until every client has everything, or 30 s.
    let reports
    for (let i = 0; i < 60; i++) {
      await sleep(500)
      reports = await ask(children, 'report', 'report')
      if (reports.reduce((n, r) => n + r.received, 0) >= total * connected) break
    }
    const elapsed = (now() - started) / 1000
    const cpuUsed = cpuSeconds(server.pid) - cpuBefore
    const threadsAfter = threadCpuSeconds(server.pid)
    const cpu = cpuUsed / elapsed
    const sweepsAfter = sweepsBefore && await sweepTotals(server)
    const received = reports.reduce((n, r) => n + r.received, 0)
    const latencies = reports.flatMap((r) => r.latencies).sort((a, b) => a - b)
    return {
      name: server.name,
      connected,
      rssPerClient: (rssIdle - rssBefore) / connected,
      deliveries: received,
      expected: total * connected,
      deliveriesPerSecond: received / elapsed,
      offeredPerSecond: rate * connected,
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      cpu,
      cpuPerDeliveryUs: (1e6 * cpuUsed) / Math.max(1, received),
      threadUsPerDelivery: Object.fromEntries(Object.entries(threadsAfter).map(([name, after]) =>
        [name, (1e6 * (after - (threadsBefore[name] || 0))) / Math.max(1, received)])),
      sweeps: sweepsAfter && sweepsBetween(sweepsBefore, sweepsAfter)
    }
  } finally {
    children.forEach((c) => { try { c.send('exit') } catch {} })
    await sleep(300)
    children.forEach((c) => c.kill('SIGKILL'))
    agent.destroy()
  }
}

async function main () {
  console.log(`# SSE fan-out: ${clients} clients, ${rate} events/s for ${seconds} s, ${procs} ${clientKind} load process${procs === 1 ? '' : 'es'} (--client ${clientKind}${clientHost ? ` on ${clientHost}` : ''}), latency sampled on 1/${sampleEvery} of the clients, jobwired on ${host} with ${threads ? `--threads ${threads}` : 'its default threads'}${tickMs ? ` --fanout-tick-ms ${tickMs}` : ''}`)
  const results = []
  const jobwiredArgs = ['--host', host, ...(threads ? ['--threads', threads] : []), ...(tickMs ? ['--fanout-tick-ms', tickMs] : [])]
  if (clientCpus) pinToCpus(process.pid, clientCpus)
  if (serverCpus || clientCpus) console.log(`# server on CPUs ${serverCpus ?? 'any'}, load clients and producer on CPUs ${clientCpus ?? 'any'}`)
  for (const [key, start] of [['jobwired', () => startJobwired(jobwiredArgs)], ['peer', startPeer]]) {
    if (only && only !== key) continue
    const server = await start()
    if (serverCpus) pinToCpus(server.pid, serverCpus)
    try {
      results.push(await run(server))
    } finally {
      await server.stop()
    }
    await sleep(1000)
  }
  console.log('| server | clients | deliveries/s (offered) | delivered | p50 ms | p99 ms | RSS per idle client | server CPU |')
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|')
  for (const r of results) {
    console.log(`| ${r.name} | ${r.connected} | ${Math.round(r.deliveriesPerSecond)} (${r.offeredPerSecond}) | ${(100 * r.deliveries / r.expected).toFixed(1)}% | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${(r.rssPerClient / 1024).toFixed(1)} KiB | ${(r.cpu * 100).toFixed(0)}% |`)
  }
  for (const r of results) {
    console.log(`${r.name}: received ${r.deliveries} of ${r.expected} frames (${rate * seconds} events × ${r.connected} clients), ${r.cpuPerDeliveryUs.toFixed(3)} µs of server CPU per delivery`)
    const byThread = Object.entries(r.threadUsPerDelivery).filter(([, us]) => us >= 0.0005).sort((a, b) => b[1] - a[1])
    console.log(`${r.name}: µs of CPU per delivery by thread: ${byThread.map(([name, us]) => `${name} ${us.toFixed(3)}`).join(', ')}`)
    if (r.sweeps) console.log(`${r.name}: ${r.sweeps.count} fan-out sweeps, ${r.sweeps.averageMs.toFixed(1)} ms each on average, p50 ${r.sweeps.p50} ms, p99 ${r.sweeps.p99} ms (under load a delivery waits up to one sweep)`)
  }
  if (results.length === 2) {
    const [ours, peer] = results
    console.log(`ratio jobwired/peer: deliveries/s ${(ours.deliveriesPerSecond / peer.deliveriesPerSecond).toFixed(2)}x, p99 ${(peer.p99 / ours.p99).toFixed(2)}x lower, RSS per client ${(peer.rssPerClient / ours.rssPerClient).toFixed(2)}x smaller`)
  }
}

main().catch((err) => { console.error(err); process.exit(1) })
