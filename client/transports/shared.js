// Helpers the transports share.

// Parses a control or event payload; undefined when it is not JSON.
export function parseJson (text) {
  try { return JSON.parse(text) } catch { return undefined }
}

// Names the event-route filters as query parameters.
export function filterParams (filters = {}) {
  const params = {}
  if (filters.project) params.project = filters.project
  if (filters.job) params.job = filters.job
  if (filters.types && filters.types.length) params.types = filters.types.join(',')
  return params
}
