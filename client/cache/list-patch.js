// Applying one event to a cached page of the job list ({jobs, total, offset, seq}).
// Returns {data, stale}: data is the page (the same object when unchanged); stale means
// the page can no longer be made exact from events alone (a job moved in or out of a
// filtered page, or a new job shifted a later page) and must be read again.

import { patchJob } from './job-patch.js'

export function matchesFilters (job, filters) {
  if (filters.status && job.status !== filters.status) return false
  if (filters.type && job.type !== filters.type) return false
  if (filters.project && job.project !== filters.project) return false
  if (filters.parent && job.parent !== filters.parent) return false
  return true
}

export function patchJobList (page, event, filters) {
  if (!event.job) return { data: page, stale: false }
  if (event.type === 'job.created') return addJob(page, event.data, filters)
  const index = page.jobs.findIndex((job) => job.id === event.job)
  if (index === -1) {
    // A status change may bring a job we do not hold into a page filtered on status.
    const enters = event.type === 'job.status' && filters.status && event.data?.status === filters.status
    return { data: page, stale: Boolean(enters) }
  }
  const before = page.jobs[index]
  const after = patchJob(before, event)
  if (after === before) return { data: page, stale: false }
  const jobs = page.jobs.slice()
  if (!matchesFilters(after, filters)) {
    jobs.splice(index, 1)
    // The next page's first job now belongs here: only the server knows which it is.
    return { data: { ...page, jobs, total: Math.max(0, page.total - 1) }, stale: true }
  }
  jobs[index] = after
  return { data: { ...page, jobs }, stale: false }
}

function addJob (page, job, filters) {
  if (!job || !matchesFilters(job, filters)) return { data: page, stale: false }
  if (page.jobs.some((row) => row.id === job.id)) return { data: page, stale: false }
  const total = page.total + 1
  // The list is newest first: a new job lands on the first page and pushes later ones.
  if ((filters.offset || 0) > 0) return { data: { ...page, total }, stale: true }
  const jobs = [job, ...page.jobs]
  if (jobs.length > filters.limit) jobs.length = filters.limit
  return { data: { ...page, jobs, total }, stale: false }
}
