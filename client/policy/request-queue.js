// One request per key, shared by everyone who asks for it while it runs, and at most
// `maxInFlight` requests running at once; the rest wait in arrival order. An answer also
// stays shared for `shareWindowMs` after it came (components mounting one after another
// read a key once); a failed request is never shared after it ends, and a caller that
// needs the server's newest state (an event said the key is stale) passes share: false.

export const MAX_IN_FLIGHT = 3
export const SHARE_WINDOW_MS = 500

export class RequestQueue {
  constructor ({ maxInFlight = MAX_IN_FLIGHT, shareWindowMs = SHARE_WINDOW_MS, now = () => Date.now() } = {}) {
    if (!Number.isInteger(shareWindowMs) || shareWindowMs < 0 || shareWindowMs > 60_000) {
      throw new RangeError('shareWindowMs must be a whole number of milliseconds from 0 to 60000')
    }
    this.maxInFlight = maxInFlight
    this.shareWindowMs = shareWindowMs
    this.now = now
    this.byKey = new Map()   // key → promise, while queued or running
    this.answered = new Map() // key → {at, promise}: answers still inside the share window
    this.waiting = []        // {task, resolve, reject} not yet started
    this.running = 0
  }

  // Runs task() for `key` unless a request for the same key is already queued or
  // running, or (with share) answered less than shareWindowMs ago: then that promise is
  // returned.
  run (key, task, { share = true } = {}) {
    const shared = this.byKey.get(key)
    if (shared) return shared
    if (share) {
      const recent = this.answered.get(key)
      if (recent && this.now() - recent.at < this.shareWindowMs) return recent.promise
    }
    const promise = new Promise((resolve, reject) => {
      this.waiting.push({ task, resolve, reject })
    }).finally(() => {
      this.byKey.delete(key)
    })
    this.byKey.set(key, promise)
    if (this.shareWindowMs > 0) {
      promise.then(() => this.remember(key, promise), () => this.answered.delete(key))
    }
    this.pump()
    return promise
  }

  remember (key, promise) {
    const at = this.now()
    // Drop what has aged out, so keys read once long ago do not pile up.
    if (this.answered.size > 1_000) {
      for (const [old, recent] of this.answered) if (at - recent.at >= this.shareWindowMs) this.answered.delete(old)
    }
    this.answered.set(key, { at, promise })
  }

  get queued () { return this.waiting.length }

  pump () {
    while (this.running < this.maxInFlight && this.waiting.length > 0) {
      const { task, resolve, reject } = this.waiting.shift()
      this.running += 1
      Promise.resolve()
        .then(task)
        .then(resolve, reject)
        .finally(() => {
          this.running -= 1
          this.pump()
        })
    }
  }
}
