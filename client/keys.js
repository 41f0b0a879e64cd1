// Cache keys are the GET paths of the snapshots they hold, so a key is also its URL.
//   /api/jobs?limit=50&offset=0&status=running   a page of the job list
//   /api/jobs/{id}                              a job in detail
//   /api/jobs/{id}/logs                         the tail of its log
//   /api/jobs/{id}/files                        its files

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

export const jobKey = (id) => `/api/jobs/${encodeURIComponent(id)}`
export const logsKey = (id) => `${jobKey(id)}/logs`
export const filesKey = (id) => `${jobKey(id)}/files`

const parsed = new Map()

// → {kind: 'list', filters} | {kind: 'detail'|'logs'|'files', jobId} | {kind: 'other'}
export function parseKey (key) {
  let result = parsed.get(key)
  if (result) return result
  const [path, query = ''] = key.split('?')
  const parts = path.split('/').filter(Boolean) // api, jobs, id?, sub?
  if (parts[0] !== 'api' || parts[1] !== 'jobs') result = { kind: 'other' }
  else if (parts.length === 2) result = { kind: 'list', filters: listFilters(query) }
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
