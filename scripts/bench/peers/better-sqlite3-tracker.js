'use strict'
// The peer for the addon write benchmark: the job tracker an Electron main process would
// otherwise write, with better-sqlite3 12.x, as a careful user would. WAL with
// synchronous=NORMAL (what jobwire's default durability gives), prepared statements, a jobs
// table and an events table; a progress update is an UPDATE of the job plus an INSERT of
// its event envelope (the same shape as jobwire's), and subscribers get the new envelopes
// after commit, one array per commit, as jobwire's subscribe() does.
//
// Two ways to commit, as a user would choose:
// - batched (default): updates made during one event-loop turn are queued and committed in
//   one transaction from setImmediate; their promises resolve after that commit.
// - { batched: false }: one transaction per update, committed inside the call.
//
// Needs better-sqlite3, installed on demand by scripts/bench/peers/install.js.
const crypto = require('node:crypto')
const Database = require('better-sqlite3')

const TERMINAL = "('completed','failed','cancelled')"

class Tracker {
  #db
  #batched
  #jobs = new Map() // id → the job as committed: writes answer with it without a read
  #queue = []
  #flushScheduled = false
  #subscribers = new Set()
  #seq
  #insertJob
  #updateProgress
  #insertEvent
  #commitQueuedTx // #commitQueued and #commitOne, each wrapped in a transaction
  #commitOneTx

  constructor (path, { batched = true } = {}) {
    this.#batched = batched
    this.#db = new Database(path)
    this.#db.pragma('journal_mode = WAL')
    this.#db.pragma('synchronous = NORMAL')
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, type TEXT NOT NULL, project TEXT NOT NULL,
        parent TEXT, status TEXT NOT NULL, progress_percent REAL NOT NULL, created_at TEXT NOT NULL,
        updated_seq INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, type TEXT NOT NULL, ts INTEGER NOT NULL,
        job TEXT, envelope TEXT NOT NULL);`)
    this.#seq = this.#db.prepare('SELECT coalesce(max(seq), 0) AS seq FROM events').get().seq
    this.#insertJob = this.#db.prepare(`INSERT INTO jobs (id, type, project, parent, status, progress_percent,
      created_at, updated_seq) VALUES (@id, @type, @project, @parent, @status, @progress_percent, @created_at, @updated_seq)`)
    // The status check lives in the UPDATE: a finished job's progress is final, and no read
    // is needed to refuse it.
    this.#updateProgress = this.#db.prepare(
      `UPDATE jobs SET progress_percent = ?, updated_seq = ? WHERE id = ? AND status NOT IN ${TERMINAL}`)
    this.#insertEvent = this.#db.prepare('INSERT INTO events (seq, type, ts, job, envelope) VALUES (?, ?, ?, ?, ?)')
    this.#commitQueuedTx = this.#db.transaction((queued) => this.#commitQueued(queued))
    this.#commitOneTx = this.#db.transaction((id, percent) => this.#commitOne(id, percent))
  }

  createJob ({ type, project = 'default', parent = null }) {
    const job = {
      id: `j_${crypto.randomBytes(8).toString('hex')}`, type, project, parent, status: 'running',
      progress_percent: 0, created_at: new Date().toISOString(), updated_seq: 0,
    }
    this.#db.transaction(() => {
      job.updated_seq = ++this.#seq
      this.#insertJob.run(job)
      this.#append('job.created', job, { ...job }, Date.now())
    })()
    this.#jobs.set(job.id, job)
    return { ...job }
  }

  // Resolves with the job as committed.
  setProgress (id, percent) {
    if (!this.#batched) {
      try {
        const envelope = this.#commitOneTx(id, percent)
        this.#deliver([envelope])
        return Promise.resolve({ ...this.#jobs.get(id) })
      } catch (err) {
        return Promise.reject(err)
      }
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ id, percent, resolve, reject })
      if (!this.#flushScheduled) {
        this.#flushScheduled = true
        setImmediate(() => this.#flush())
      }
    })
  }

  // Calls fn(batch) with the envelopes of each commit. Returns the function that stops it.
  subscribe (fn) {
    this.#subscribers.add(fn)
    return () => this.#subscribers.delete(fn)
  }

  close () {
    this.#db.close()
  }

  #flush () {
    this.#flushScheduled = false
    const queued = this.#queue
    this.#queue = []
    let envelopes
    try {
      envelopes = this.#commitQueuedTx(queued)
    } catch (err) {
      for (const update of queued) update.reject(err)
      return
    }
    for (const update of queued) {
      if (update.error) update.reject(update.error)
      else update.resolve(update.job)
    }
    this.#deliver(envelopes)
  }

  // Inside one transaction: every queued update. A refused one is marked and skipped, so it
  // does not roll back the others.
  #commitQueued (queued) {
    const now = Date.now()
    const envelopes = []
    for (const update of queued) {
      try {
        envelopes.push(this.#progress(update.id, update.percent, now))
        update.job = { ...this.#jobs.get(update.id) }
      } catch (err) {
        update.error = err
      }
    }
    return envelopes
  }

  #commitOne (id, percent) {
    return this.#progress(id, percent, Date.now())
  }

  #progress (id, percent, now) {
    const seq = this.#seq + 1
    if (this.#updateProgress.run(percent, seq, id).changes === 0) {
      const err = new Error(this.#jobs.has(id) ? `job ${id} is finished: its progress is final` : `no job ${id}`)
      err.code = this.#jobs.has(id) ? 'invalid_transition' : 'not_found'
      throw err
    }
    this.#seq = seq
    const job = this.#jobs.get(id)
    job.progress_percent = percent
    job.updated_seq = seq
    return this.#append('job.progress', job, { progress_percent: percent }, now, seq)
  }

  #append (type, job, data, now, seq = this.#seq) {
    const envelope = { seq, type, ts: new Date(now).toISOString(), job: job.id, parent: job.parent, project: job.project, data }
    this.#insertEvent.run(seq, type, now, job.id, JSON.stringify(envelope))
    return envelope
  }

  #deliver (envelopes) {
    if (envelopes.length === 0) return
    for (const fn of this.#subscribers) fn(envelopes)
  }
}

module.exports = { Tracker }
