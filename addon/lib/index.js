'use strict'
// require('jobwire'): the native core inside Node or Electron's main process.
//   const core = await jobwire.open({ path: 'jobwire.db' })
// See index.d.ts for the whole API and DESIGN.md's "Node API" for the contract.
const { setImmediate } = require('node:timers')
const native = require('./native')
const req = require('./requests')
const { Core } = require('./core')
const { WriteQueue } = require('./write-queue')

// Opens (creating and migrating when needed) the SQLite store at `path`.
async function open (options) {
  const request = req.openOptions(options)
  // Node's own setImmediate chains the delivery turns, whatever an app's fake timers patch.
  // The native core settles each turn of committed writes through writes.settle.
  const writes = new WriteQueue((firstToken, ops) => nativeCore.write(firstToken, ops))
  const nativeCore = new native.Core(setImmediate,
    (tokens, answers, errors, changes, bases) => writes.settle(tokens, answers, errors, changes, bases))
  try {
    await nativeCore.open(request)
  } catch (err) {
    await nativeCore.close() // lets go of writes.settle, which holds nativeCore
    throw err
  }
  return new Core(nativeCore, writes)
}

module.exports = { open, Core }
