'use strict'
// Shared by the addon tests: the package as users load it, temporary SQLite files, and a
// subscriber that collects batches and can be awaited.
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const root = path.resolve(__dirname, '..', '..')
const jobwire = require(root)

// A fresh directory under os.tmpdir(), removed when the test ends.
function tempDir (t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobwire-addon-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

function tempDbPath (t) {
  return path.join(tempDir(t), 'jobwire.db')
}

// Opens a core on a fresh file; closed when the test ends (close is idempotent).
async function openTemp (t, options = {}) {
  const core = await jobwire.open({ path: tempDbPath(t), ...options })
  t.after(() => core.close())
  return core
}

// Subscribes and keeps every envelope, checking each batch arrives in seq order.
function collect (core, options) {
  const events = []
  const batches = []
  let waiter = null
  const check = () => {
    if (waiter && waiter.done()) {
      clearTimeout(waiter.timer)
      waiter.resolve()
      waiter = null
    }
  }
  const stop = core.subscribe((batch) => {
    batches.push({ size: batch.length, reset: batch.reset === true, cursor: batch.cursor })
    for (const event of batch) events.push(event)
    check()
  }, options)
  // Resolves once done() holds; rejects after timeoutMs with what arrived so far.
  function until (done, timeoutMs = 30000) {
    return new Promise((resolve, reject) => {
      waiter = {
        done,
        resolve,
        timer: setTimeout(() => {
          waiter = null
          reject(new Error(`timed out with ${events.length} events (last seq ${events.at(-1)?.seq})`))
        }, timeoutMs),
      }
      check()
    })
  }
  return { events, batches, stop, until, untilSeq: (seq, ms) => until(() => events.at(-1)?.seq >= seq, ms) }
}

// Asserts the envelopes have consecutive seqs starting at first.
function consecutive (events, first) {
  for (let i = 0; i < events.length; i++) {
    if (events[i].seq !== first + i) return `seq ${events[i].seq} at index ${i}, expected ${first + i}`
  }
  return null
}

// Resolves once predicate() holds, checking every few milliseconds; rejects after timeoutMs.
async function eventually (predicate, what, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

module.exports = { root, jobwire, tempDir, tempDbPath, openTemp, collect, consecutive, eventually, sleep }
