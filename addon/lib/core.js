'use strict'
// The Core object of DESIGN.md's Node API. Each method checks its arguments (requests.js)
// before any native call, then hands the work to the native Core: writes resolve after
// commit (batched per turn by write-queue.js), reads run on the libuv threadpool, and nothing
// blocks the JS thread.
const native = require('./native')
const req = require('./requests')
const { closedError } = require('./errors')
const { subscribe } = require('./subscription')
const { serve } = require('./server')

const WRITE = native.writeKinds

class Core {
  #native
  #writes
  #epoch
  #closing = null
  #unsubscribers = new Set()
  #servers = new Set()

  // Use jobwire.open(); the native core is already open here.
  constructor (nativeCore, writes) {
    this.#native = nativeCore
    this.#writes = writes
    this.#epoch = nativeCore.logInfo().epoch
  }

  #checkOpen () {
    if (this.#closing) throw closedError()
  }

  // Writes. Each resolves with the job as committed (emit: the stored event envelope). The
  // last argument of each, `{ idempotencyKey }`, makes a retry safe: the same key with the
  // same request commits once and resolves with the first answer again; with another
  // request it rejects with code `conflict`. The writes of one turn reach the core in one
  // batch, in call order (write-queue.js). A bad argument or a closed core rejects at once,
  // and nothing is queued.

  createJob (job, options) {
    try {
      this.#checkOpen()
      return this.#writes.push(WRITE.createJob, req.newJob(job), undefined, undefined, req.writeOptions(options))
    } catch (err) {
      return Promise.reject(err)
    }
  }

  setStatus (id, status, errorMessage, options) {
    try {
      this.#checkOpen()
      return this.#writes.push(WRITE.setStatus, req.id(id), req.status(status), req.errorMessage(errorMessage),
        req.writeOptions(options))
    } catch (err) {
      return Promise.reject(err)
    }
  }

  setProgress (id, percent, options) {
    try {
      this.#checkOpen()
      return this.#writes.push(WRITE.setProgress, req.id(id), req.percent(percent), undefined,
        req.writeOptions(options))
    } catch (err) {
      return Promise.reject(err)
    }
  }

  updateJob (id, patch, options) {
    try {
      this.#checkOpen()
      return this.#writes.push(WRITE.updateJob, req.id(id), req.patch(patch), undefined, req.writeOptions(options))
    } catch (err) {
      return Promise.reject(err)
    }
  }

  appendLog (id, lines, options) {
    try {
      this.#checkOpen()
      return this.#writes.push(WRITE.appendLog, req.id(id), req.lines(lines), undefined, req.writeOptions(options))
    } catch (err) {
      return Promise.reject(err)
    }
  }

  registerFile (id, file, options) {
    try {
      this.#checkOpen()
      const { path, change } = req.file(file)
      return this.#writes.push(WRITE.registerFile, req.id(id), path, change, req.writeOptions(options))
    } catch (err) {
      return Promise.reject(err)
    }
  }

  emit (type, event, options) {
    try {
      this.#checkOpen()
      const request = req.customEvent(type, event)
      return this.#writes.push(WRITE.emit, request.type, request.job, request.data, req.writeOptions(options))
    } catch (err) {
      return Promise.reject(err)
    }
  }

  // Reads. Snapshots carry the seq they reflect and the store's epoch.

  async getJob (id) {
    this.#checkOpen()
    const job = JSON.parse(await this.#native.getJob(req.id(id)))
    job.seq = job.updated_seq
    job.epoch = this.#epoch
    return job
  }

  async listJobs (filter) {
    this.#checkOpen()
    const request = req.listFilter(filter)
    const page = await this.#native.listJobs(request)
    return { jobs: JSON.parse(page.jobs), total: page.total, offset: page.offset, limit: request.limit, seq: page.seq, epoch: this.#epoch }
  }

  async getLogs (id, options) {
    this.#checkOpen()
    const { offset, limit } = req.logPage(options)
    const page = await this.#native.getLogs(req.id(id), offset, limit)
    page.epoch = this.#epoch
    return page
  }

  async listFiles (id) {
    this.#checkOpen()
    const list = await this.#native.listFiles(req.id(id))
    list.epoch = this.#epoch
    return list
  }

  // The jobs with these ids (1 to 100), in the order asked, in one read:
  // { jobs, missing (the ids that name no job), seq, epoch }.
  async getJobs (ids) {
    this.#checkOpen()
    const set = await this.#native.getJobs(req.jobIds(ids))
    return { jobs: JSON.parse(set.jobs), missing: set.missing, seq: set.seq, epoch: this.#epoch }
  }

  // The latest change of each path a job of `project` created, modified or deleted after
  // `sinceSeq`: { project, since_seq, files: [{path, change, job_id, file_id, seq, ts}], seq,
  // epoch }. Rejects with code `reset` when sinceSeq is older than retention.
  async fileChanges (project, sinceSeq) {
    this.#checkOpen()
    const request = req.fileChanges(project, sinceSeq)
    const changes = await this.#native.fileChanges(request.project, request.sinceSeq)
    return { project: request.project, ...changes, epoch: this.#epoch }
  }

  // A read route of the HTTP API answered as jobwired answers it, from the same route table:
  // query('GET', '/api/jobs?project=alpha') resolves with { status, headers, body }, body the
  // JSON text jobwired would send. A refused request resolves too, with its error status.
  async query (method, target, options) {
    this.#checkOpen()
    const request = req.query(method, target, options)
    return this.#native.query(request.method, request.target, request.polling)
  }

  // { events, next }: `next` is the cursor to pass on, even when no event came back.
  // Rejects with code `reset` when `seq` is older than retention (or from another store).
  async eventsAfter (seq, options) {
    this.#checkOpen()
    const { after, limit, filter } = req.eventPage(seq, options)
    const page = await this.#native.eventsAfter(after, limit, filter)
    return { events: JSON.parse(page.events), next: page.next }
  }

  // Calls fn(batch) with every committed event after `after` (default: from now), in seq
  // order, one array per batch. Returns the function that stops it.
  subscribe (fn, options) {
    this.#checkOpen()
    const request = req.subscription(fn, options)
    const unsubscribe = subscribe(this.#native, fn, request, () => this.#unsubscribers.delete(unsubscribe))
    this.#unsubscribers.add(unsubscribe)
    return unsubscribe
  }

  async serve (options) {
    this.#checkOpen()
    const server = await serve(this.#native, native.Server, req.serveOptions(options))
    const close = server.close
    server.close = () => {
      this.#servers.delete(server)
      return close()
    }
    this.#servers.add(server)
    if (this.#closing) await server.close() // close() ran while it was starting
    return server
  }

  // Finishes every pending write, stops servers and subscriptions, then closes the store.
  // Later calls reject with code `closed`. Idempotent.
  close () {
    this.#writes.flush() // writes queued in this turn are pending writes too
    this.#closing ??= this.#close()
    return this.#closing
  }

  async #close () {
    for (const unsubscribe of [...this.#unsubscribers]) unsubscribe()
    await Promise.all([...this.#servers].map((server) => server.close()))
    await this.#native.close()
  }

  // The store's epoch and the range of the log it retains, from memory.
  logInfo () {
    this.#checkOpen()
    return { ...this.#native.logInfo() }
  }
}

module.exports = { Core }
