'use strict'
// Answers `jobwire:query` requests with the same JSON shapes, status codes and error bodies
// as jobwired's HTTP routes, so a renderer's SWR keys (the request paths) are the same strings
// in the desktop build and the web build. Answers are { status, body }: contextBridge drops
// custom properties of Error objects, so errors travel as data.

const { httpStatusOf } = require('../../addon/lib/errors')

const DEFAULT_POLLING = Object.freeze({ interval_ms: 3000, enabled: true, log_interval_ms: 15000 })
const LIST_FILTERS = ['status', 'type', 'parent', 'project', 'since']
const MAX_REQUEST_CHARS = 8192
const MAX_EVENTS_PAGE = 1000 // as GET /api/events
const MAX_JOB_IDS = 100 // as GET /api/jobs?ids=
// The projection of GET /api/jobs?fields= (id is always sent), and the filters ids= refuses.
const JOB_FIELDS = ['id', 'status', 'progress_percent', 'updated_seq', 'log_lines']
const LIST_ONLY = ['status', 'type', 'parent', 'project', 'since', 'offset', 'limit']

class RequestError extends Error {
  constructor (code, message) {
    super(message)
    this.code = code
  }
}

function errorAnswer (err) {
  const code = typeof err?.code === 'string' ? err.code : 'internal'
  const status = httpStatusOf(code)
  const message = status === 500 ? 'internal error' : String(err.message)
  return { status, body: { error: { code, message } } }
}

function integerParam (params, name) {
  const raw = params.get(name)
  if (raw === null || raw === '') return undefined
  if (!/^\d{1,15}$/.test(raw)) throw new RequestError('invalid_argument', `${name} must be a non-negative integer`)
  return Number(raw)
}

function listFilter (params) {
  const filter = {}
  for (const name of LIST_FILTERS) {
    const value = params.get(name)
    if (value !== null && value !== '') filter[name] = value
  }
  const offset = integerParam(params, 'offset')
  const limit = integerParam(params, 'limit')
  if (offset !== undefined) filter.offset = offset
  if (limit !== undefined) filter.limit = limit
  return filter
}

// The items of a comma-separated parameter, as jobwired splits them (empty ones skipped).
function commaList (text) {
  return text.split(',').filter((item) => item !== '')
}

// null when the request has no fields=, else the checked list.
function fieldsParam (params) {
  const raw = params.get('fields')
  if (raw === null) return null
  const fields = commaList(raw)
  if (fields.length === 0) throw new RequestError('invalid_argument', 'fields must name at least one field')
  for (const field of fields) {
    if (!JOB_FIELDS.includes(field)) {
      throw new RequestError('invalid_argument', `unknown field in fields: ${field} (allowed: status, progress_percent, updated_seq, log_lines)`)
    }
  }
  return fields
}

function projectJobs (jobs, fields) {
  if (!fields) return jobs
  return jobs.map((job) => {
    const out = { id: job.id }
    for (const field of fields) out[field] = job[field]
    return out
  })
}

// GET /api/jobs: the jobs named by ids=, or a page of the list; both take fields=.
async function readJobs (core, params) {
  if (!params.has('ids')) {
    const fields = fieldsParam(params)
    const page = await core.listJobs(listFilter(params))
    return { ...page, jobs: projectJobs(page.jobs, fields) }
  }
  for (const name of LIST_ONLY) {
    if (params.has(name)) throw new RequestError('invalid_argument', `ids cannot be combined with ${name}`)
  }
  const ids = commaList(params.get('ids'))
  if (ids.length === 0 || ids.length > MAX_JOB_IDS) {
    throw new RequestError('invalid_argument', `ids must name from 1 to ${MAX_JOB_IDS} jobs (it names ${ids.length})`)
  }
  const fields = fieldsParam(params)
  const set = await core.getJobs(ids)
  return { ...set, jobs: projectJobs(set.jobs, fields) }
}

// GET /api/files?project=&since_seq=: a project's file changes.
async function readFileChanges (core, params) {
  const project = params.get('project')
  if (!project) throw new RequestError('invalid_argument', 'project is required')
  return core.fileChanges(project, integerParam(params, 'since_seq') ?? 0)
}

// Normalizes what the renderer sent into { method, path, body, idempotencyKey }. Anything malformed is
// refused before a route is looked up.
function parseRequest (request) {
  const form = typeof request === 'string' ? { method: 'GET', path: request } : request
  if (form === null || typeof form !== 'object') throw new RequestError('invalid_argument', 'query takes a path or {method, path, body}')
  const method = form.method ?? 'GET'
  if (method !== 'GET' && method !== 'POST') throw new RequestError('invalid_argument', 'method must be GET or POST')
  if (typeof form.path !== 'string' || !form.path.startsWith('/api/') || form.path.length > MAX_REQUEST_CHARS) {
    throw new RequestError('invalid_argument', 'path must be an /api/ route')
  }
  const url = new URL(form.path, 'http://jobwire.invalid')
  // A write's key, as HTTP's Idempotency-Key header: the core checks it (req.writeOptions).
  return { method, pathname: url.pathname, params: url.searchParams, body: form.body, writeOptions: { idempotencyKey: form.idempotencyKey } }
}

function decodeId (segment) {
  try {
    return decodeURIComponent(segment)
  } catch {
    throw new RequestError('invalid_argument', 'malformed job id')
  }
}

// Routes: [method, pattern, handler(core, match, params, body, writeOptions) → body, status when not 200].
function readRoutes (polling) {
  return [
    ['GET', /^\/api\/jobs$/, async (core, _m, params) => readJobs(core, params)],
    ['GET', /^\/api\/files$/, async (core, _m, params) => readFileChanges(core, params)],
    ['GET', /^\/api\/jobs\/([^/]+)$/, async (core, m) => core.getJob(decodeId(m[1]))],
    ['GET', /^\/api\/jobs\/([^/]+)\/logs$/, async (core, m, params) => {
      const options = {}
      const offset = integerParam(params, 'offset')
      const limit = integerParam(params, 'limit')
      if (offset !== undefined) options.offset = offset
      if (limit !== undefined) options.limit = limit
      return core.getLogs(decodeId(m[1]), options)
    }],
    ['GET', /^\/api\/jobs\/([^/]+)\/files$/, async (core, m) => core.listFiles(decodeId(m[1]))],
    ['GET', /^\/api\/config\/polling$/, async () => ({ ...polling })],
    ['GET', /^\/api\/events$/, async (core, _m, params) => {
      const after = integerParam(params, 'after') ?? 0
      const limit = integerParam(params, 'limit')
      if (limit !== undefined && (limit < 1 || limit > MAX_EVENTS_PAGE)) {
        throw new RequestError('invalid_argument', `limit must be an integer from 1 to ${MAX_EVENTS_PAGE}`)
      }
      const options = limit === undefined ? {} : { limit }
      for (const name of ['project', 'job', 'types']) {
        const value = params.get(name)
        if (value !== null && value !== '') options[name] = value
      }
      return core.eventsAfter(after, options)
    }],
  ]
}

function requireObject (body) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new RequestError('invalid_argument', 'the request body must be a JSON object')
  }
  return body
}

// The write routes the dashboard uses (submit, cancel). Enabled only when the app says so.
function writeRoutes () {
  return [
    ['POST', /^\/api\/jobs$/, async (core, _m, _p, body, options) => core.createJob(requireObject(body), options), 201],
    ['POST', /^\/api\/jobs\/([^/]+)\/status$/, async (core, m, _p, body, writeOptions) => {
      // The rest of the body goes to setStatus as its options, which refuse an unknown field,
      // so a misspelt one is a 400 here as over HTTP, never dropped while the status commits.
      const { status, ...options } = requireObject(body)
      return core.setStatus(decodeId(m[1]), status, options, writeOptions)
    }],
  ]
}

function createQueryRouter ({ core, polling = DEFAULT_POLLING, writes = false }) {
  const routes = [...readRoutes({ ...DEFAULT_POLLING, ...polling }), ...(writes ? writeRoutes() : [])]

  return async function answer (request) {
    try {
      const { method, pathname, params, body, writeOptions } = parseRequest(request)
      for (const [routeMethod, pattern, handler, status = 200] of routes) {
        const match = routeMethod === method && pattern.exec(pathname)
        if (match) return { status, body: await handler(core, match, params, body, writeOptions) }
      }
      return { status: 404, body: { error: { code: 'not_found', message: `no route for ${method} ${pathname}` } } }
    } catch (err) {
      return errorAnswer(err)
    }
  }
}

module.exports = { createQueryRouter, DEFAULT_POLLING }
