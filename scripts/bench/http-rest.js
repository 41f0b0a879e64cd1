#!/usr/bin/env node
'use strict'
// 304s/s and 200s/s on GET /api/jobs/{id} with keep-alive, measured by wrk, for jobwired and
// the Node peer in the same run, with each server's CPU time per response (its own CPU time,
// so the load generator sharing the cores does not hide it; in brackets, the part spent in
// its own code, user space). Each jobwired is measured twice: as started, and restarted on the
// same database with the client's ETag from before. --compare BIN adds another jobwired binary
// (a build before a change) to the same run. --threads is wrk's; --loops is jobwired's
// --threads (default: its own, one loop per core but one). --route logs measures GET
// /api/jobs/{id}/logs instead (100 lines, another job changed after them; jobwired only: the
// peer has no logs).
//   node scripts/bench/http-rest.js [--seconds 8] [--connections 50] [--threads 1] [--loops N] [--compare BIN] [--route job|logs]
const os = require('node:os')
const { spawnSync } = require('node:child_process')
const { startJobwired, startPeer, cpuTimes } = require('./lib/servers')

function arg (name, fallback) {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : fallback
}
const seconds = Number(arg('seconds', 8))
const connections = Number(arg('connections', 50))
const threads = Number(arg('threads', 1))
const compareBin = arg('compare', null)
const loops = arg('loops', null)
const jobwiredArgs = loops ? ['--threads', loops] : []
const route = arg('route', 'job')
if (route !== 'job' && route !== 'logs') throw new TypeError('--route must be job or logs')
const routePath = (id) => route === 'logs' ? `/api/jobs/${id}/logs` : `/api/jobs/${id}`

async function write (server, path, body) {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body)
  })
  return res.json()
}

async function createJob (server) {
  const job = await write(server, '/api/jobs', { type: 'bench', project: 'default' })
  if (route === 'logs') {
    const lines = Array.from({ length: 100 }, (_, i) => `log line number ${i} of the build output`)
    await write(server, `/api/jobs/${job.id}/logs`, { lines })
    await write(server, '/api/jobs', { type: 'another', project: 'default' })
  }
  const detail = await fetch(`${server.url}${routePath(job.id)}`)
  await detail.text()
  return { id: job.id, etag: detail.headers.get('etag') }
}

function wrk (url, headers, pid) {
  const args = ['-t', String(threads), '-c', String(connections), '-d', `${seconds}s`, '--latency']
  for (const h of headers) args.push('-H', h)
  const before = cpuTimes(pid)
  const r = spawnSync('wrk', [...args, url], { encoding: 'utf8' })
  const after = cpuTimes(pid)
  if (r.error) throw new Error(`wrk did not run: ${r.error.message}`)
  if (r.status !== 0) throw new Error(`wrk failed (exit ${r.status ?? r.signal}): ${r.stderr}`)
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)[1])
  const p99 = /^\s+99%\s+(\S+)/m.exec(r.stdout)[1]  // the latency distribution's line
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(r.stdout)
  const socketErrors = /Socket errors: (.*)/.exec(r.stdout)
  return { rps, p99, bad: errors ? Number(errors[1]) : 0, socketErrors: socketErrors ? socketErrors[1] : '',
    cpu: (after.user + after.kernel - before.user - before.kernel) / seconds,
    userCpu: (after.user - before.user) / seconds
  }
}

async function measure (server, { id, etag } = {}) {
  if (!id) ({ id, etag } = await createJob(server))
  const url = `${server.url}${routePath(id)}`
  const notModified = wrk(url, [`If-None-Match: ${etag}`], server.pid)
  const ok = wrk(url, [], server.pid)
  return { notModified, ok, job: { id, etag } }
}

// Checked before any server starts: without wrk there is nothing to measure with.
function requireWrk () {
  const r = spawnSync('wrk', ['--version'], { encoding: 'utf8' })
  if (r.error?.code === 'ENOENT') {
    throw new Error('http-rest needs wrk, which is not on PATH. Install the Debian package wrk: ' +
      '`node scripts/setup.js --for bench` as root (npm run bench does this), or `sudo apt-get install -y wrk`.')
  }
}

async function main () {
  requireWrk()
  console.log(`# GET ${routePath('{id}')}, keep-alive, wrk -t${threads} -c${connections} -d${seconds}s, jobwired ${loops ? `--threads ${loops}` : 'with its default loops'}, ${os.cpus().length} CPUs (${os.cpus()[0].model})`)
  const results = []
  const starters = [() => startJobwired(jobwiredArgs), ...(route === 'job' ? [startPeer] : [])]
  if (compareBin) {
    starters.push(async () => ({ ...(await startJobwired(jobwiredArgs, compareBin)), name: `jobwired (${compareBin})` }))
  }
  // Each jobwired is measured again after a restart, on the job it served before: a client's
  // copy and ETag outlive the server, and its memory of ETags starts empty.
  const restarted = []
  for (const start of starters) {
    let server = await start()
    try {
      const fresh = await measure(server)
      results.push({ name: server.name, ...fresh })
      if (server.restart) {
        const name = `${server.name}, restarted since`
        server = await server.restart()
        restarted.push({ name, ...(await measure(server, fresh.job)) })
      }
    } finally {
      await server.stop()
    }
  }
  results.push(...restarted)
  // µs of server CPU per response, and of it the server's own code (user space): on loopback
  // the kernel's share includes the client's TCP receive, run by the server's write.
  const usPer = (m) => `${(m.cpu / m.rps * 1e6).toFixed(1)} (${(m.userCpu / m.rps * 1e6).toFixed(1)})`
  console.log('| server | 304/s | p99 | server CPU | µs/304 (user) | 200/s | p99 | server CPU | µs/200 (user) |')
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|')
  for (const r of results) {
    console.log(`| ${r.name} | ${Math.round(r.notModified.rps)} | ${r.notModified.p99} | ${(r.notModified.cpu * 100).toFixed(0)}% | ${usPer(r.notModified)} | ` +
      `${Math.round(r.ok.rps)} | ${r.ok.p99} | ${(r.ok.cpu * 100).toFixed(0)}% | ${usPer(r.ok)} |`)
    for (const m of [r.notModified, r.ok]) if (m.socketErrors) console.log(`  (${r.name}: socket errors ${m.socketErrors})`)
  }
  const [ours, peer] = results
  if (route === 'job') console.log(`ratio jobwired/peer: 304s ${(ours.notModified.rps / peer.notModified.rps).toFixed(2)}x, 200s ${(ours.ok.rps / peer.ok.rps).toFixed(2)}x`)
}

main().catch((err) => { console.error(err); process.exit(1) })
