'use strict'
// core.subscribe(fn, { after, onError, text }): the core's one native JS delivery (addon/src/js_delivery.h)
// serves every subscription, one call per batch. The batch text (the core's stored envelopes
// joined as a JSON array) is parsed once.
//
// A subscriber that throws (or returns a promise that rejects) does not stop delivery: the
// error goes to `onError` when given, else to process.emitWarning, and the next batch comes
// as usual. Nothing a subscriber does can reach the native side as an exception.

function reportWith (onError) {
  return function report (err) {
    if (onError) {
      try {
        onError(err)
        return
      } catch (secondary) {
        err = secondary
      }
    }
    const warning = new Error(`a jobwire subscriber threw: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
    warning.name = 'JobwireSubscriberWarning'
    process.emitWarning(warning)
  }
}

// Each call's argument: the envelopes parsed (an EventBatch), or with `text`, the batch as the
// core stored it, for a relay that forwards events without reading them (the Electron bridge).
function parsedBatch (text, cursor, reset) {
  const batch = JSON.parse(text)
  batch.cursor = cursor
  if (reset) batch.reset = true
  return batch
}

function textBatch (json, cursor, reset, count) {
  return reset ? { json, count, cursor, reset } : { json, count, cursor }
}

// Returns the unsubscribe function. `native` is the native Core.
function subscribe (native, fn, { after, onError, text }, onUnsubscribe) {
  const report = reportWith(onError)
  const makeBatch = text ? textBatch : parsedBatch
  let active = true
  const deliver = (json, cursor, reset, count) => {
    if (!active) return
    try {
      const result = fn(makeBatch(json, cursor, reset, count))
      if (result !== undefined && result !== null && typeof result.then === 'function') result.then(undefined, report)
    } catch (err) {
      report(err)
    }
  }
  const id = native.subscribe(after, deliver)
  return function unsubscribe () {
    if (!active) return
    active = false
    native.unsubscribe(id)
    onUnsubscribe()
  }
}

module.exports = { subscribe }
