// After this client submits a job, lists keep the fast interval for 20 s even if the
// server does not show anything running yet, so the new job appears promptly.

export const SUBMIT_GRACE_MS = 20_000

export class SubmitGrace {
  constructor (env, durationMs = SUBMIT_GRACE_MS) {
    this.env = env
    this.durationMs = durationMs
    this.until = -Infinity
  }

  start () { this.until = this.env.now() + this.durationMs }
  active () { return this.env.now() < this.until }
}
