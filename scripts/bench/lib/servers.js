'use strict'
// Starts the two servers the HTTP benchmarks compare: jobwired (the build's binary) and the
// Node peer (scripts/bench/peers/node-peer.js). Each resolves {name, url, pid, token, stop()}.
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawn } = require('node:child_process')

const root = path.resolve(__dirname, '..', '..', '..')

function waitForLine (proc, pattern, what) {
  return new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`${what} did not start: ${out}`)), 15_000)
    const onData = (chunk) => {
      out += chunk
      const match = pattern.exec(out)
      if (match) { clearTimeout(timer); resolve(match) }
    }
    proc.stdout.setEncoding('utf8').on('data', onData)
    proc.stderr.setEncoding('utf8').on('data', onData)
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${what} exited (${code}): ${out}`)) })
  })
}

function stopper (proc, cleanup = () => {}) {
  return () => new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) { cleanup(); return resolve() }
    proc.once('exit', () => { cleanup(); resolve() })
    proc.kill('SIGTERM')
    setTimeout(() => proc.kill('SIGKILL'), 10_000).unref()
  })
}

// restart() stops it and starts it again on the same database (on another port).
async function startJobwired (extraArgs = [], bin = process.env.JOBWIRED_BIN || path.join(root, 'build', 'jobwired'),
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobwire-bench-'))) {
  const token = 'bench-token'
  const proc = spawn(bin, ['--port', '0', '--token', token, '--db', path.join(dir, 'bench.db'), ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] })
  const match = await waitForLine(proc, /jobwired listening on (http:\/\/\S+)/, 'jobwired')
  return {
    name: 'jobwired',
    url: match[1],
    pid: proc.pid,
    token,
    stop: stopper(proc, () => fs.rmSync(dir, { recursive: true, force: true })),
    restart: async () => { await stopper(proc)(); return startJobwired(extraArgs, bin, dir) }
  }
}

async function startPeer () {
  const proc = spawn(process.execPath, [path.join(root, 'scripts', 'bench', 'peers', 'node-peer.js')], { stdio: ['ignore', 'pipe', 'pipe'] })
  const match = await waitForLine(proc, /peer listening on (http:\/\/\S+)/, 'node peer')
  return { name: 'node peer (node:http + ws + better-sse)', url: match[1], pid: proc.pid, token: 'unused', stop: stopper(proc) }
}

// Resident memory of a process in bytes (Linux /proc).
function rssBytes (pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024
}

// CPU seconds (user + system) a process has used (Linux /proc).
// A /proc stat line: the process's or thread's name, and its CPU seconds so far in user space
// and in the kernel on its behalf. The name may hold spaces and parentheses: it ends at the last ')'.
function parseStat (text) {
  const fields = text.slice(text.lastIndexOf(') ') + 2).split(' ')
  return {
    name: text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')),
    user: Number(fields[11]) / 100,
    kernel: Number(fields[12]) / 100
  }
}

function cpuTimes (pid) {
  const { user, kernel } = parseStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'))
  return { user, kernel }
}

function cpuSeconds (pid) {
  const { user, kernel } = cpuTimes(pid)
  return user + kernel
}

// CPU seconds by thread name, digits dropped (jobwire-loop0 and jobwire-loop1 count as
// jobwire-loop): where a server's CPU goes. Threads that ended meanwhile are not counted.
function threadCpuSeconds (pid) {
  const byName = {}
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    let text
    try { text = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8') } catch { continue }
    const { name, user, kernel } = parseStat(text)
    const group = name.replace(/[0-9]+$/, '')
    byName[group] = (byName[group] || 0) + user + kernel
  }
  return byName
}

module.exports = { startJobwired, startPeer, rssBytes, cpuTimes, cpuSeconds, threadCpuSeconds, root }
