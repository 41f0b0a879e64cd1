'use strict'
// Turns each method's JS arguments into what the native Core takes: checked, defaults
// applied, JSON values serialized once. Every function throws a TypeError with code
// `invalid_argument` on bad input.
const v = require('./validate')

const STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled']
const FILE_CHANGES = ['created', 'modified', 'deleted']
const INT32_MAX = 2147483647

function openOptions (value) {
  const o = v.options(value, 'open options', ['path', 'store', 'durability', 'retentionEvents', 'retentionMs',
    'subscriberQueueLimit', 'progressFlushMs', 'idempotencyKeyMs', 'idempotencyKeyCount'])
  if (o.store !== undefined && o.path !== undefined) v.fail('give either store or path (the same thing), not both')
  return {
    // A SQLite file's path, or a postgres:// URL (libpq's rules apply to it).
    store: v.optional(o.store ?? o.path, v.string, o.store !== undefined ? 'store' : 'path') ??
      (process.env.JOBWIRE_STORE || 'jobwire.db'),
    durability: v.optional(o.durability, v.oneOf, 'durability', ['process', 'power']),
    retentionEvents: v.optional(o.retentionEvents, v.integer, 'retentionEvents', 1, Number.MAX_SAFE_INTEGER),
    retentionMs: v.optional(o.retentionMs, v.integer, 'retentionMs', 1, Number.MAX_SAFE_INTEGER),
    subscriberQueueLimit: v.optional(o.subscriberQueueLimit, v.integer, 'subscriberQueueLimit', 1, 1e9),
    progressFlushMs: v.optional(o.progressFlushMs, v.integer, 'progressFlushMs', 0, 60000),
    idempotencyKeyMs: v.optional(o.idempotencyKeyMs, v.integer, 'idempotencyKeyMs', 1, Number.MAX_SAFE_INTEGER),
    idempotencyKeyCount: v.optional(o.idempotencyKeyCount, v.integer, 'idempotencyKeyCount', 1, Number.MAX_SAFE_INTEGER),
  }
}

// The last argument of every write: { idempotencyKey }. The core checks the key's length and
// characters (model/validation.h), as it does for the HTTP header.
function writeOptions (value) {
  if (value === undefined) return undefined // the common case, without a `{}` per write
  const o = v.options(value, 'write options', ['idempotencyKey'])
  return v.optional(o.idempotencyKey, v.string, 'idempotencyKey')
}

function id (value) {
  return v.name(value, 'id')
}

function newJob (value) {
  if (!v.isObject(value)) v.fail('createJob takes a job object: { type, project?, parent?, … }')
  const o = v.options(value, 'job', ['id', 'type', 'project', 'parent', 'priority', 'file_path', 'policy_name',
    'output_path', 'summary'])
  return {
    id: v.optional(o.id, v.name, 'id'),
    type: v.name(o.type, 'type'),
    project: v.optional(o.project, v.name, 'project') ?? 'default',
    parent: v.optional(o.parent, v.name, 'parent'),
    priority: v.optional(o.priority, v.integer, 'priority', -INT32_MAX, INT32_MAX) ?? 0,
    file_path: v.optional(o.file_path, v.string, 'file_path'),
    policy_name: v.optional(o.policy_name, v.string, 'policy_name'),
    output_path: v.optional(o.output_path, v.string, 'output_path'),
    summary_json: o.summary === undefined ? undefined : v.json(o.summary, 'summary'),
  }
}

function status (value) {
  return v.oneOf(value, 'status', STATUSES)
}

// setStatus(id, status, 'message') or setStatus(id, status, { error_message }).
function errorMessage (value) {
  if (v.isObject(value)) value = v.options(value, 'setStatus options', ['error_message']).error_message
  return v.optional(value, v.string, 'error_message')
}

function percent (value) {
  return v.number(value, 'progress')
}

function patch (value) {
  if (!v.isObject(value)) v.fail('updateJob takes a patch object: { summary?, output_path?, … }')
  const o = v.options(value, 'patch', ['summary', 'validation', 'error_message', 'output_path', 'file_path',
    'policy_name', 'priority'])
  if (Object.keys(o).length === 0) v.fail('patch must change at least one field')
  return {
    summary_json: o.summary === undefined ? undefined : v.json(o.summary, 'summary'),
    validation_json: o.validation === undefined ? undefined : v.json(o.validation, 'validation'),
    error_message: v.optional(o.error_message, v.string, 'error_message'),
    output_path: v.optional(o.output_path, v.string, 'output_path'),
    file_path: v.optional(o.file_path, v.string, 'file_path'),
    policy_name: v.optional(o.policy_name, v.string, 'policy_name'),
    priority: v.optional(o.priority, v.integer, 'priority', -INT32_MAX, INT32_MAX),
  }
}

// One line or an array of lines.
function lines (value) {
  const list = typeof value === 'string' ? [value] : value
  if (!Array.isArray(list)) v.fail('lines must be a string or an array of strings')
  for (const line of list) v.string(line, 'each line')
  return list
}

function file (value) {
  if (!v.isObject(value)) v.fail('registerFile takes { path, change? }')
  const o = v.options(value, 'file', ['path', 'change'])
  return {
    path: v.string(o.path, 'path'),
    change: v.optional(o.change, v.oneOf, 'change', FILE_CHANGES) ?? 'created',
  }
}

function customEvent (type, value) {
  v.name(type, 'type')
  const o = v.options(value, 'emit options', ['job', 'data'])
  return {
    type,
    job: v.optional(o.job, v.name, 'job'),
    data: v.json(o.data === undefined ? null : o.data, 'data'),
  }
}

function listFilter (value) {
  const o = v.options(value, 'listJobs filter', ['status', 'type', 'parent', 'project', 'since', 'offset', 'limit'])
  return {
    status: v.optional(o.status, v.oneOf, 'status', STATUSES),
    type: v.optional(o.type, v.name, 'type'),
    parent: v.optional(o.parent, v.name, 'parent'),
    project: v.optional(o.project, v.name, 'project'),
    since_ms: v.optional(o.since, v.time, 'since'),
    offset: v.optional(o.offset, v.integer, 'offset') ?? 0,
    limit: v.optional(o.limit, v.integer, 'limit') ?? 50,
  }
}

// How many ids one read may name is the core's rule (kMaxJobIds in job.h).
function jobIds (value) {
  if (!Array.isArray(value)) v.fail('getJobs takes an array of job ids')
  return value.map((item, i) => v.name(item, `ids[${i}]`))
}

function fileChanges (project, sinceSeq) {
  return {
    project: v.name(project, 'project'),
    sinceSeq: v.optional(sinceSeq, v.integer, 'sinceSeq') ?? 0,
  }
}

function logPage (value) {
  const o = v.options(value, 'getLogs options', ['offset', 'limit'])
  return {
    offset: v.optional(o.offset, v.integer, 'offset') ?? 0,
    limit: v.optional(o.limit, v.integer, 'limit') ?? 1000,
  }
}

function cursor (value, field) {
  return v.integer(value, field)
}

// types: an array of types, or a comma-separated string as in GET /api/events?types=.
function eventTypes (value) {
  const list = typeof value === 'string' ? value.split(',').filter((type) => type !== '') : value
  if (!Array.isArray(list)) v.fail('types must be an array of event types or a comma-separated string')
  return list.map((type, i) => v.string(type, `types[${i}]`))
}

function eventPage (seq, value) {
  const o = v.options(value, 'eventsAfter options', ['limit', 'project', 'job', 'types'])
  return {
    after: cursor(seq, 'seq'),
    limit: v.optional(o.limit, v.integer, 'limit') ?? 1000,
    filter: {
      project: v.optional(o.project, v.name, 'project'),
      job: v.optional(o.job, v.name, 'job'),
      types: v.optional(o.types, eventTypes) ?? [],
    },
  }
}

function subscription (fn, value) {
  v.func(fn, 'the subscriber')
  const o = v.options(value, 'subscribe options', ['after', 'onError', 'text'])
  return {
    after: v.optional(o.after, cursor, 'after'),
    onError: v.optional(o.onError, v.func, 'onError'),
    text: v.optional(o.text, v.boolean, 'text') ?? false,
  }
}

// core.query(method, target, { polling }): the target is a path and query as in an HTTP
// request line; the core checks the route and its parameters (as jobwired does). polling
// holds what the app sets of the /api/config/polling answer.
function query (method, target, value) {
  const o = v.options(value, 'query options', ['polling'])
  const p = v.options(o.polling, 'polling', ['interval_ms', 'enabled', 'log_interval_ms'])
  if (p.enabled !== undefined && typeof p.enabled !== 'boolean') v.fail('polling.enabled must be a boolean')
  return {
    method: v.string(method, 'method'),
    target: v.string(target, 'target'),
    polling: {
      interval_ms: v.optional(p.interval_ms, v.integer, 'polling.interval_ms', 0, INT32_MAX),
      enabled: p.enabled,
      log_interval_ms: v.optional(p.log_interval_ms, v.integer, 'polling.log_interval_ms', 0, INT32_MAX),
    },
  }
}

// The numbers (port, threads, fanoutTickMs, timeouts, limits) are checked against the ranges
// the native server takes, which it exports; an absent one keeps the server's default (one
// loop thread: the app's own threads share the cores).
function serveOptions (value) {
  const { serveSettings } = require('./native')
  const o = v.options(value, 'serve options', ['host', 'token', 'allowOrigins', 'staticDir', ...Object.keys(serveSettings)])
  const allowOrigins = o.allowOrigins ?? []
  if (!Array.isArray(allowOrigins)) v.fail('allowOrigins must be an array of origins')
  for (const origin of allowOrigins) v.string(origin, 'each origin')
  const options = {
    host: v.optional(o.host, v.string, 'host') ?? '127.0.0.1',
    token: v.optional(o.token, v.string, 'token'),
    allow_origins: allowOrigins,
    static_dir: v.optional(o.staticDir, v.string, 'staticDir'),
  }
  for (const [name, [min, max]] of Object.entries(serveSettings)) {
    const value = v.optional(o[name], v.integer, name, min, max)
    if (value !== undefined) options[name] = value
  }
  return options
}

module.exports = {
  writeOptions,
  openOptions, id, newJob, status, errorMessage, percent, patch, lines, file, customEvent,
  listFilter, logPage, eventPage, subscription, serveOptions, jobIds, fileChanges, query,
}
