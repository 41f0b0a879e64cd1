// Requests to jobwired: snapshot GETs with ETag/If-None-Match, the event routes and the
// write API. Errors become HttpError with the status and the server's error code.

export class HttpError extends Error {
  // oldest: on a 410 reset, the oldest seq the server still holds (where to start over).
  constructor (status, code, message, oldest) {
    super(message || `HTTP ${status}`)
    this.name = 'HttpError'
    this.status = status
    this.code = code
    if (oldest !== undefined) this.oldest = oldest
  }
}

export function createHttp ({ baseUrl = '', getToken = () => undefined, fetch = globalThis.fetch.bind(globalThis) } = {}) {
  const root = baseUrl.replace(/\/$/, '')

  function url (path, params) {
    const query = params ? new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null)) : null
    const text = query && query.toString()
    return `${root}${path}${text ? (path.includes('?') ? '&' : '?') + text : ''}`
  }

  function headers (extra = {}) {
    const token = getToken()
    return token ? { ...extra, authorization: `Bearer ${token}` } : extra
  }

  async function fail (response) {
    let code
    let message
    let oldest
    try {
      const body = await response.json()
      code = body?.error?.code
      message = body?.error?.message
      if (typeof body?.oldest === 'number') oldest = body.oldest
    } catch { /* the body was not JSON: keep the status alone */ }
    throw new HttpError(response.status, code, message, oldest)
  }

  return {
    url,

    // → {status: 200, body, etag} or {status: 304, etag}.
    async getSnapshot (path, { etag, signal } = {}) {
      const response = await fetch(url(path), { headers: headers(etag ? { 'if-none-match': etag } : {}), signal, cache: 'no-store' })
      if (response.status === 304) return { status: 304, etag: response.headers.get('etag') || etag }
      if (!response.ok) await fail(response)
      return { status: 200, body: await response.json(), etag: response.headers.get('etag') || undefined }
    },

    async getJson (path, params, { signal } = {}) {
      const response = await fetch(url(path, params), { headers: headers(), signal, cache: 'no-store' })
      if (!response.ok) await fail(response)
      return response.json()
    },

    async send (method, path, body) {
      const response = await fetch(url(path), {
        method,
        headers: headers({ 'content-type': 'application/json' }),
        body: body === undefined ? undefined : JSON.stringify(body)
      })
      if (!response.ok) await fail(response)
      return response.status === 204 ? null : response.json()
    }
  }
}

// The epoch in an ETag of the form "<epoch>-<seq>" (quotes and W/ optional).
export function epochOfEtag (etag) {
  if (!etag) return undefined
  const bare = etag.replace(/^W\//, '').replace(/"/g, '')
  const dash = bare.lastIndexOf('-')
  return dash > 0 ? bare.slice(0, dash) : undefined
}
