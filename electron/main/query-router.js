'use strict'
// Answers `jobwire:query` requests. The read routes are the core's route table, the one
// jobwired's HTTP routes answer from (core.query), so every filter, limit, error message and
// body is HTTP's by construction; this file is only transport: it checks the renderer's
// request form, carries the dashboard's two write routes (submit, cancel) to the write
// methods, and turns answers into { status, body }. contextBridge drops custom properties of
// Error objects, so errors travel as data.

const { httpStatusOf } = require('../../addon/lib/errors')
const { pollingDefaults } = require('../../addon/lib/native')

// The /api/config/polling answer of an app that sets none (the core's defaults).
const DEFAULT_POLLING = Object.freeze({ ...pollingDefaults })
const MAX_REQUEST_CHARS = 8192

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

// Normalizes what the renderer sent into { method, path, body, writeOptions }. Anything
// malformed is refused before a route is looked up.
function parseRequest (request) {
  const form = typeof request === 'string' ? { method: 'GET', path: request } : request
  if (form === null || typeof form !== 'object') throw new RequestError('invalid_argument', 'query takes a path or {method, path, body}')
  const method = form.method ?? 'GET'
  if (method !== 'GET' && method !== 'POST') throw new RequestError('invalid_argument', 'method must be GET or POST')
  if (typeof form.path !== 'string' || !form.path.startsWith('/api/') || form.path.length > MAX_REQUEST_CHARS) {
    throw new RequestError('invalid_argument', 'path must be an /api/ route')
  }
  // A write's key, as HTTP's Idempotency-Key header: the core checks it (req.writeOptions).
  return { method, path: form.path, body: form.body, writeOptions: { idempotencyKey: form.idempotencyKey } }
}

function decodeId (segment) {
  try {
    return decodeURIComponent(segment)
  } catch {
    throw new RequestError('invalid_argument', 'malformed job id')
  }
}

function requireObject (body) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new RequestError('invalid_argument', 'the request body must be a JSON object')
  }
  return body
}

// The write routes the dashboard uses (submit, cancel), enabled only when the app says so:
// [pattern, handler(core, match, body, writeOptions) → body, status].
const WRITE_ROUTES = [
  [/^\/api\/jobs$/, (core, _m, body, options) => core.createJob(requireObject(body), options), 201],
  [/^\/api\/jobs\/([^/]+)\/status$/, (core, m, body, writeOptions) => {
    // The rest of the body goes to setStatus as its options, which refuse an unknown field,
    // so a misspelt one is a 400 here as over HTTP, never dropped while the status commits.
    const { status, ...options } = requireObject(body)
    return core.setStatus(decodeId(m[1]), status, options, writeOptions)
  }, 200],
]

async function answerWrite (core, routes, { path, body, writeOptions }) {
  const { pathname } = new URL(path, 'http://jobwire.invalid')
  for (const [pattern, handler, status] of routes) {
    const match = pattern.exec(pathname)
    if (match) return { status, body: await handler(core, match, body, writeOptions) }
  }
  return { status: 404, body: { error: { code: 'not_found', message: `no route for POST ${pathname}` } } }
}

// polling: what the app sets of the /api/config/polling answer (the rest keeps the defaults).
function createQueryRouter ({ core, polling, writes = false }) {
  const options = polling === undefined ? undefined : { polling }
  const writeRoutes = writes ? WRITE_ROUTES : []
  return async function answer (request) {
    try {
      const parsed = parseRequest(request)
      if (parsed.method === 'POST') return await answerWrite(core, writeRoutes, parsed)
      const { status, body } = await core.query('GET', parsed.path, options)
      return { status, body: JSON.parse(body) }
    } catch (err) {
      return errorAnswer(err)
    }
  }
}

module.exports = { createQueryRouter, DEFAULT_POLLING }
