// One request per key, shared by everyone who asks for it while it runs, and at most
// `maxInFlight` requests running at once; the rest wait in arrival order.

export const MAX_IN_FLIGHT = 3

export class RequestQueue {
  constructor ({ maxInFlight = MAX_IN_FLIGHT } = {}) {
    this.maxInFlight = maxInFlight
    this.byKey = new Map()   // key → promise, while queued or running
    this.waiting = []        // {task, resolve, reject} not yet started
    this.running = 0
  }

  // Runs task() for `key` unless a request for the same key is already queued or
  // running, in which case its promise is returned.
  run (key, task) {
    const shared = this.byKey.get(key)
    if (shared) return shared
    const promise = new Promise((resolve, reject) => {
      this.waiting.push({ task, resolve, reject })
    }).finally(() => {
      this.byKey.delete(key)
    })
    this.byKey.set(key, promise)
    this.pump()
    return promise
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
