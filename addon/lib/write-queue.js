'use strict'
// Carries writes across the N-API boundary in batches, both ways: the writes made during one
// turn of the JS thread go to native in one call at the end of the turn, and native settles
// the writes committed since its last turn with one call back. Per write, JS pays a
// promise and a few array slots instead of a native call, a native promise and a string.
//
// Each write has a token, numbered from 1 in call order, which names it when its answer comes
// back. A batch is `write(firstToken, ops)`: ops holds STRIDE values per write, kind (from
// native.writeKinds), three arguments and the idempotency key (kWriteStride in
// addon/src/core_writes.cpp); the writes' tokens follow from firstToken.

// Captured now, like index.js's setImmediate: an app's fake timers must not hold writes back.
const { nextTick } = process

const STRIDE = 5
// Settled slots at the front of the pending list are dropped once there are this many.
const DROP_AFTER = 4096

// The executor of every write's promise: hands its resolving functions to push() without a
// closure per write.
let resolveNew
let rejectNew
function capture (resolve, reject) {
  resolveNew = resolve
  rejectNew = reject
}

class WriteQueue {
  #send
  #queued = []
  #nextToken = 1
  // The resolving functions of the writes sent or queued, two slots each, the first write's
  // token being #base. Writes settle about in token order, so the list is a sliding window:
  // settled slots turn undefined, and the settled front is dropped now and then.
  #pending = []
  #base = 1
  #front = 0 // slots at the front known to be settled
  #bases = [] // by slot: a copy of the last whole answer to a job

  // send(firstToken, ops): hands one turn's writes to the native core.
  constructor (send) {
    this.#send = send
  }

  // Queues one write; resolves with its answer after commit, or rejects with its refusal.
  push (kind, a, b, c, key) {
    if (this.#queued.length === 0) nextTick(() => this.flush())
    this.#queued.push(kind, a, b, c, key)
    this.#nextToken++
    const promise = new Promise(capture)
    this.#pending.push(resolveNew, rejectNew)
    return promise
  }

  // Hands every queued write to native now (at the end of the turn, or before close()).
  flush () {
    const ops = this.#queued
    if (ops.length === 0) return
    this.#queued = []
    const first = this.#nextToken - ops.length / STRIDE
    try {
      this.#send(first, ops)
    } catch (err) {
      for (let token = first; token < this.#nextToken; token++) this.#settle(token, err, undefined)
      this.#dropSettled()
    }
  }

  // Native's call per turn of completions: the tokens settled; the JSON text of an array with
  // each one's answer (null for a refused write); when any was refused, an array holding each
  // refusal's Error at its index; `changes` and `bases`, when answers to a job are sent as the
  // slot of its last whole answer (settle_completions in addon/src/core_writes.cpp):
  // `bases` holds pairs (index, slot) of whole answers to keep a copy of, and `changes` an
  // answer's new values at 3 × its own index.
  settle (tokens, answersJson, errors, changes, bases) {
    const answers = JSON.parse(answersJson)
    let nextBasis = 0
    for (let i = 0; i < tokens.length; i++) {
      let answer = answers[i]
      if (typeof answer === 'number') {
        answer = withProgress(this.#bases[answer], changes, 3 * i)
      } else if (bases !== undefined && bases[nextBasis] === i) {
        this.#bases[bases[nextBasis + 1]] = { ...answer } // the caller may change its own
        nextBasis += 2
      }
      this.#settle(tokens[i], errors?.[i], answer)
    }
    this.#dropSettled()
  }

  #settle (token, error, answer) {
    const at = 2 * (token - this.#base)
    const resolve = this.#pending[at]
    const reject = this.#pending[at + 1]
    this.#pending[at] = this.#pending[at + 1] = undefined
    if (error) reject(error)
    else resolve(answer)
  }

  #dropSettled () {
    const pending = this.#pending
    let front = this.#front
    while (front < pending.length && pending[front] === undefined) front += 2
    if (front === pending.length || front >= DROP_AFTER) {
      this.#pending = pending.slice(front)
      this.#base += front / 2
      front = 0
    }
    this.#front = front
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
