#!/usr/bin/env node
'use strict'
// Stalled readers (issue 18): N raw-socket SSE clients connect and never read again (a
// sleeping laptop's tab) while a producer writes R log lines of 1 KB a second over HTTP
// keep-alive and one normal SSE client reads alongside; /healthz is probed every 100 ms.
// The same load runs twice on fresh servers, with no stalled reader and with N, and prints:
// RSS per stalled reader ((peak − peak with none) / N, from /proc/PID/status), /healthz p99,
// acknowledged writes/s against the run with none, the normal client's delivery p99
// (producer send → receipt), and RSS 10 s after the stalled clients are gone.
//   node scripts/bench/stalled-readers.js [--stalled 1000] [--rate 2000] [--seconds 10] [--settle 10]
// jobwired is $JOBWIRED_BIN or build/jobwired. The stalled sockets are held by a python3
// process that sets SO_RCVBUF to 4 KiB before connecting (Node cannot): with the kernel's
// default, loopback lets a socket that is never read absorb ~13 MB before it stalls, so the
// server would spend the run filling kernel buffers, not holding stalled readers.
const http = require('node:http')
const readline = require('node:readline')
const { spawn } = require('node:child_process')
const { performance } = require('node:perf_hooks')
const { startJobwired, rssBytes } = require('./lib/servers')
const { percentile, sleep } = require('./lib/measure')

function arg (name, fallback) {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const STALLED = arg('stalled', 1000)
const RATE = arg('rate', 2000)
const SECONDS = arg('seconds', 10)
const SETTLE = arg('settle', 10)
const now = () => performance.timeOrigin + performance.now()
const MiB = (bytes) => (bytes / 1048576).toFixed(1)
const PAD = 'x'.repeat(1000)

async function json (server, method, path, body) {
  const res = await fetch(`${server.url}${path}`, {
    method, headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' }, body: body && JSON.stringify(body)
  })
  return res.json()
}

// The normal reader: each job.log line carries its send time; records send → receipt.
function normalReader (server) {
  const latencies = []
  let buffer = ''
  const req = http.get(`${server.url}/api/events/stream`, { agent: false }, (res) => {
    res.setEncoding('utf8')
    res.on('data', (chunk) => {
      buffer += chunk
      let end
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const data = /^data: (.*)$/m.exec(frame)
        if (!data || !frame.includes('event: job.log')) continue
        const sent = Number(/^t=([\d.]+) /.exec(JSON.parse(data[1]).data.lines[0])[1])
        latencies.push(now() - sent)
      }
    })
    res.on('error', () => {})
  })
  req.on('error', () => {})
  return { latencies, close: () => req.destroy() }
}

// `count` sockets that ask for the stream and never read, held by python3; resolves
// {close()} once they are all connected and have sent their request.
const HOLD_STALLED = `
import socket, sys
host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
held = []
for _ in range(count):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect((host, port))
    s.sendall(b"GET /api/events/stream HTTP/1.1\\r\\nHost: bench\\r\\n\\r\\n")
    held.append(s)
print("ready", flush=True)
sys.stdin.readline()
for s in held:
    s.close()
`
function stalledReaders (server, count) {
  const url = new URL(server.url)
  const proc = spawn('python3', ['-c', HOLD_STALLED, url.hostname, url.port, String(count)], { stdio: ['pipe', 'pipe', 'inherit'] })
  const closed = new Promise((resolve) => proc.once('exit', resolve))
  return new Promise((resolve, reject) => {
    proc.once('error', (err) => reject(new Error(`python3 is needed to hold the stalled sockets: ${err.message}`)))
    proc.once('exit', (code) => reject(new Error(`the stalled-socket holder exited (${code})`)))
    readline.createInterface({ input: proc.stdout }).once('line', () => resolve({
      close () { proc.stdin.end('close\n'); return closed }
    }))
  })
}

// Writes RATE log lines a second for SECONDS, paced every 10 ms; counts acks by second.
async function produce (server, job) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 })
  const ackedBySecond = new Array(SECONDS + 30).fill(0)
  const started = now()
  let pending = 0
  const one = () => new Promise((resolve) => {
    pending++
    const body = JSON.stringify({ lines: [`t=${now().toFixed(3)} ${PAD}`] })
    const req = http.request(`${server.url}/api/jobs/${job}/logs`, {
      method: 'POST', agent, headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' }
    }, (res) => {
      res.resume()
      res.on('end', () => {
        pending--
        if (res.statusCode < 300) ackedBySecond[Math.floor((now() - started) / 1000)]++
        resolve()
      })
    })
    req.on('error', () => { pending--; resolve() })
    req.end(body)
  })
  let sent = 0
  while (now() - started < SECONDS * 1000) {
    const due = Math.floor(((now() - started) / 1000) * RATE)
    while (sent < due) { one(); sent++ }
    await sleep(10)
  }
  const acked = ackedBySecond.slice(0, SECONDS).reduce((a, b) => a + b, 0)
  while (pending > 0 && now() - started < (SECONDS + 20) * 1000) await sleep(20)
  agent.destroy()
  return { perSecond: acked / SECONDS, worstSecond: Math.min(...ackedBySecond.slice(0, SECONDS)) }
}

// GET /healthz every 100 ms until stopped; the latencies.
function probeHealth (server) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const latencies = []
  let running = true
  const loop = (async () => {
    while (running) {
      const t0 = now()
      await new Promise((resolve) => {
        const req = http.get(`${server.url}/healthz`, { agent }, (res) => { res.resume(); res.on('end', resolve) })
        req.on('error', resolve)
      })
      latencies.push(now() - t0)
      await sleep(Math.max(0, 100 - (now() - t0)))
    }
  })()
  return { latencies, stop: async () => { running = false; await loop; agent.destroy() } }
}

// What /metrics says of the stalled readers (a counter the binary lacks reads n/a).
async function stallCounters (server) {
  const text = await (await fetch(`${server.url}/metrics`)).text()
  const value = (name) => {
    const match = new RegExp(`^${name.replace(/[{}"]/g, '\\$&')} (\\d+)$`, 'm').exec(text)
    return match ? match[1] : 'n/a'
  }
  return ['jobwire_dropped_clients_total', 'jobwire_queue_drops_total', 'jobwire_gaps_total{transport="sse"}']
    .map((name) => `${name} ${value(name)}`).join(', ')
}

async function run (stalledCount) {
  const server = await startJobwired()
  const job = (await json(server, 'POST', '/api/jobs', { type: 'bench' })).id
  await json(server, 'POST', `/api/jobs/${job}/status`, { status: 'running' })
  const reader = normalReader(server)
  await sleep(500)
  const rssBefore = rssBytes(server.pid)
  const stalled = stalledCount > 0 ? await stalledReaders(server, stalledCount) : null
  let rssPeak = rssBytes(server.pid)
  const sampler = setInterval(() => { rssPeak = Math.max(rssPeak, rssBytes(server.pid)) }, 100)
  const health = probeHealth(server)
  const writes = await produce(server, job)
  await health.stop()
  clearInterval(sampler)
  await sleep(500)  // the last deliveries
  reader.close()
  const rssEnd = rssBytes(server.pid)
  let rssSettled = null
  if (stalled) {
    await stalled.close()
    await sleep(SETTLE * 1000)
    rssSettled = rssBytes(server.pid)
  }
  const counters = await stallCounters(server)
  await server.stop()
  const sorted = (xs) => [...xs].sort((a, b) => a - b)
  return {
    rssBefore, rssPeak, rssEnd, rssSettled, writes,
    healthP99: percentile(sorted(health.latencies), 0.99),
    deliveryP99: percentile(sorted(reader.latencies), 0.99),
    delivered: reader.latencies.length,
    counters
  }
}

async function main () {
  console.log(`stalled readers: ${STALLED} stalled SSE clients, ${RATE} log lines/s of 1 KB for ${SECONDS} s, ` +
    `one normal reader; jobwired: ${process.env.JOBWIRED_BIN || 'build/jobwired'}`)
  const none = await run(0)
  const loaded = await run(STALLED)
  const row = (name, r) => console.log(`  ${name.padEnd(12)} RSS before ${MiB(r.rssBefore)} MiB, peak ${MiB(r.rssPeak)} MiB, ` +
    `end ${MiB(r.rssEnd)} MiB · /healthz p99 ${r.healthP99.toFixed(1)} ms · acked ${r.writes.perSecond.toFixed(0)}/s ` +
    `(worst second ${r.writes.worstSecond}) · normal client p99 ${r.deliveryP99.toFixed(1)} ms (${r.delivered} events)`)
  row('0 stalled', none)
  row(`${STALLED} stalled`, loaded)
  console.log(`  RSS per stalled reader: ${((loaded.rssPeak - none.rssPeak) / STALLED / 1024).toFixed(1)} KiB ` +
    `((peak − peak with none) / ${STALLED}); against its own pre-load RSS: ${((loaded.rssPeak - loaded.rssBefore) / STALLED / 1024).toFixed(1)} KiB`)
  console.log(`  acked writes/s: ${loaded.writes.perSecond.toFixed(0)} vs ${none.writes.perSecond.toFixed(0)} with none ` +
    `(${((100 * loaded.writes.perSecond) / none.writes.perSecond).toFixed(1)} %)`)
  console.log(`  /metrics after the run with ${STALLED}: ${loaded.counters}`)
  console.log(`  RSS ${SETTLE} s after the stalled clients are gone: ${MiB(loaded.rssSettled)} MiB ` +
    `(pre-load ${MiB(loaded.rssBefore)} MiB; the run with none ended at ${MiB(none.rssEnd)} MiB)`)
}

main().catch((err) => { console.error(err); process.exit(1) })
