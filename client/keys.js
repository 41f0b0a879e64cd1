// Cache keys are the GET paths of the snapshots they hold, so a key is also its URL.
//   /api/jobs?limit=50&offset=0&status=running   a page of the job list
//   /api/jobs/{id}                              a job in detail
//   /api/jobs/{id}/logs                         the tail of its log
//   /api/jobs/{id}/files                        its files
//   /api/jobs?ids=a,b[&fields=status,…]          those jobs (at most 100), maybe projected
//   /api/files?project=P&since_seq=N            the project's file changes since seq N
//   /api/events?job={id}                        the timeline of a job and its subjobs

const LIST_FILTERS = ['status', 'type', 'parent', 'project', 'since']
export const DEFAULT_PAGE_SIZE = 50

export function jobsKey (filters = {}) {
  const params = new URLSearchParams()
  for (const name of LIST_FILTERS) {
    const value = filters[name]
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value))
  }
  params.set('offset', String(filters.offset ?? 0))
  params.set('limit', String(filters.limit ?? DEFAULT_PAGE_SIZE))
  params.sort()
  return `/api/jobs?${params}`
}

export const MAX_SET_IDS = 100
export const JOB_SET_FIELDS = Object.freeze(['status', 'progress_percent', 'updated_seq', 'log_lines'])

// The jobs `ids` in one request; `fields` (some of JOB_SET_FIELDS) for status-only reads.
export function jobSetKey (ids, fields) {
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_SET_IDS) throw new RangeError(`ids must name from 1 to ${MAX_SET_IDS} jobs`)
  for (const field of fields || []) {
    if (!JOB_SET_FIELDS.includes(field)) throw new RangeError(`unknown field ${field} (fields: ${JOB_SET_FIELDS.join(', ')})`)
  }
  const params = new URLSearchParams({ ids: ids.join(',') })
  if (fields && fields.length) params.set('fields', fields.join(','))
  return `/api/jobs?${params}`
}

export function fileChangesKey (project, sinceSeq = 0) {
  if (typeof project !== 'string' || project === '') throw new TypeError('project must be a non-empty string')
  if (!Number.isInteger(sinceSeq) || sinceSeq < 0) throw new RangeError('sinceSeq must be a whole number, 0 or more')
  return `/api/files?${new URLSearchParams({ project, since_seq: String(sinceSeq) })}`
}

export const timelineKey = (id) => `/api/events?${new URLSearchParams({ job: id })}`

export const jobKey = (id) => `/api/jobs/${encodeURIComponent(id)}`
export const logsKey = (id) => `${jobKey(id)}/logs`
export const filesKey = (id) => `${jobKey(id)}/files`

const parsed = new Map()

// → {kind: 'list', filters} | {kind: 'detail'|'logs'|'files'|'timeline', jobId}
//   | {kind: 'set', ids, fields} | {kind: 'changes', project, sinceSeq} | {kind: 'other'}
export function parseKey (key) {
  let result = parsed.get(key)
  if (result) return result
  const [path, query = ''] = key.split('?')
  const parts = path.split('/').filter(Boolean) // api, jobs, id?, sub?
  const params = new URLSearchParams(query)
  if (path === '/api/files') result = { kind: 'changes', project: params.get('project'), sinceSeq: Number(params.get('since_seq') || 0) }
  else if (path === '/api/events' && params.has('job')) result = { kind: 'timeline', jobId: params.get('job') }
  else if (parts[0] !== 'api' || parts[1] !== 'jobs') result = { kind: 'other' }
  else if (parts.length === 2 && params.has('ids')) {
    result = { kind: 'set', ids: params.get('ids').split(','), fields: params.has('fields') ? params.get('fields').split(',') : null }
  } else if (parts.length === 2) result = { kind: 'list', filters: listFilters(query) }
  else if (parts.length === 3) result = { kind: 'detail', jobId: decodeURIComponent(parts[2]) }
  else if (parts.length === 4 && (parts[3] === 'logs' || parts[3] === 'files')) {
    result = { kind: parts[3], jobId: decodeURIComponent(parts[2]) }
  } else result = { kind: 'other' }
  if (parsed.size > 10_000) parsed.clear()
  parsed.set(key, result)
  return result
}

function listFilters (query) {
  const params = new URLSearchParams(query)
  const filters = { offset: Number(params.get('offset') || 0), limit: Number(params.get('limit') || DEFAULT_PAGE_SIZE) }
  for (const name of LIST_FILTERS) if (params.has(name)) filters[name] = params.get(name)
  return filters
}
