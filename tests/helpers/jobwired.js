'use strict'
// Starts a real jobwired on loopback for a test: an ephemeral port, a random token and a
// fresh SQLite file in a temp dir (unless `dbPath` is given). The temp dirs it made are
// removed when the test process exits.
//
//   const srv = await startJobwired()
//   t.after(() => srv.stop())
//   await fetch(`${srv.url}/api/jobs`, { headers: { authorization: `Bearer ${srv.token}` } })
//   const again = await srv.restart()   // same db, same port, same token
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const crypto = require('node:crypto')
const { spawn } = require('node:child_process')

const root = path.resolve(__dirname, '..', '..')
const START_TIMEOUT_MS = 15_000
const STOP_TIMEOUT_MS = 10_000
const LISTENING = /jobwired listening on (http:\/\/(\S+):(\d+))/

const madeDirs = new Set()
process.on('exit', () => {
  for (const dir of madeDirs) fs.rmSync(dir, { recursive: true, force: true })
})

function jobwiredBin () {
  return process.env.JOBWIRED_BIN || path.join(root, 'build', 'jobwired')
}

function tempDbPath () {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobwired-test-'))
  madeDirs.add(dir)
  return path.join(dir, 'jobwire.db')
}

// Resolves once the listening line is printed; rejects with everything the process said
// if it exits or stays silent first.
function waitForListening (proc) {
  return new Promise((resolve, reject) => {
    let output = ''
    const fail = (why) => {
      clearTimeout(timer)
      reject(new Error(`jobwired ${why}\n--- output ---\n${output}`))
    }
    const timer = setTimeout(() => { proc.kill('SIGKILL'); fail('did not start in time') }, START_TIMEOUT_MS)
    const onData = (chunk) => {
      output += chunk
      const match = LISTENING.exec(output)
      if (match) {
        clearTimeout(timer)
        proc.removeListener('exit', onExit)
        proc.stdout.removeListener('data', onData)
        proc.stderr.removeListener('data', onData)
        resolve({ url: match[1], port: Number(match[3]), output })
      }
    }
    const onExit = (code, signal) => fail(`exited before listening (code ${code}, signal ${signal})`)
    proc.stdout.setEncoding('utf8').on('data', onData)
    proc.stderr.setEncoding('utf8').on('data', onData)
    proc.once('exit', onExit)
    proc.once('error', (err) => fail(`could not be spawned: ${err.message}`))
  })
}

// The HTTP loop threads: JOBWIRE_TEST_THREADS, else 1 (scripts/test.js runs the HTTP suites
// once more with 2). A test's own --threads comes later in the arguments and wins.
function testThreads () {
  return process.env.JOBWIRE_TEST_THREADS || '1'
}

async function startJobwired ({ args = [], env = {}, dbPath, port = 0, token } = {}) {
  const db = dbPath || tempDbPath()
  const secret = token || crypto.randomBytes(16).toString('hex')
  const proc = spawn(jobwiredBin(), ['--port', String(port), '--token', secret, '--db', db, '--threads', testThreads(), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })))
  const { url, port: boundPort, output } = await waitForListening(proc)

  // Keep reading after start so a chatty server never blocks on a full pipe.
  let log = output
  const keep = (chunk) => { log += chunk; if (log.length > 1 << 20) log = log.slice(-(1 << 19)) }
  proc.stdout.on('data', keep)
  proc.stderr.on('data', keep)

  const server = {
    url,
    port: boundPort,
    token: secret,
    dbPath: db,
    proc,
    exited,
    output: () => log,
    kill (signal = 'SIGKILL') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal)
      return exited
    },
    // SIGTERM, then waits for the exit ({code, signal}); SIGKILL if it hangs.
    async stop () {
      if (proc.exitCode !== null || proc.signalCode !== null) return exited
      proc.kill('SIGTERM')
      const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_TIMEOUT_MS)
      const result = await exited
      clearTimeout(timer)
      return result
    },
    // Stops this one (if running) and starts a new jobwired on the same db, port and token.
    async restart (options = {}) {
      await server.stop()
      return startJobwired({ args, env, dbPath: db, port: boundPort, token: secret, ...options })
    }
  }
  return server
}

module.exports = { startJobwired, jobwiredBin }
