'use strict'
// Carries writes across the N-API boundary in batches, both ways: the writes made during one
// turn of the JS thread go to native in one call at the end of the turn, and native settles
// the writes committed since its last turn with one call back. Per write, JS pays a
// promise and a few array slots instead of a native call, a native promise and a string.
//
// A write is `kind` (from native.writeKinds), up to three arguments and its idempotency key;
// native reads them flat, STRIDE values per write: kind, token, a, b, c, key (kWriteStride in
// addon/src/core_writes.cpp). The token names the write when its answer comes back.

// Captured now, like index.js's setImmediate: an app's fake timers must not hold writes back.
const { nextTick } = process

const STRIDE = 6

class WriteQueue {
  #send
  #queued = []
  #pending = new Map() // token → { resolve, reject }
  #nextToken = 1

  // send(ops): hands one turn's writes to the native core.
  constructor (send) {
    this.#send = send
  }

  // Queues one write; resolves with its answer after commit, or rejects with its refusal.
  push (kind, a, b, c, key) {
    const token = this.#nextToken++
    if (this.#queued.length === 0) nextTick(() => this.flush())
    this.#queued.push(kind, token, a, b, c, key)
    return new Promise((resolve, reject) => this.#pending.set(token, { resolve, reject }))
  }

  // Hands every queued write to native now (at the end of the turn, or before close()).
  flush () {
    const ops = this.#queued
    if (ops.length === 0) return
    this.#queued = []
    try {
      this.#send(ops)
    } catch (err) {
      for (let i = 1; i < ops.length; i += STRIDE) this.#settle(ops[i], err, undefined)
    }
  }

  // Native's call per turn of completions: the tokens settled; the JSON text of an array with
  // each one's answer (null for a refused write); when any was refused, an array holding each
  // refusal's Error at its index; and, when an answer is given as the index of an earlier
  // answer to the same job in this turn, `changes`, its new values at 3 × its own index
  // (settle_completions in addon/src/core_writes.cpp says when).
  settle (tokens, answersJson, errors, changes) {
    const answers = JSON.parse(answersJson)
    for (let i = 0; i < tokens.length; i++) {
      if (typeof answers[i] === 'number') answers[i] = withProgress(answers[answers[i]], changes, 3 * i)
      this.#settle(tokens[i], errors?.[i], answers[i])
    }
  }

  #settle (token, error, answer) {
    const write = this.#pending.get(token)
    this.#pending.delete(token)
    if (error) write.reject(error)
    else write.resolve(answer)
  }
}

// A copy of a job's answer (its values all primitive) with another progress.
function withProgress (previous, changes, at) {
  const duration = changes[at + 2]
  return {
    ...previous,
    progress_percent: changes[at],
    updated_seq: changes[at + 1],
    duration_seconds: Number.isNaN(duration) ? null : duration,
  }
}

module.exports = { WriteQueue }
