// Optimistic user actions. An overlay is laid over the server's snapshots when they are
// read, never written into them, so a background refresh that does not know the action
// yet cannot undo it: the overlay stays until the server shows the result (settled) or
// the action fails (dropped).

import { jobKey } from '../keys.js'
import { isTerminalStatus } from './job-patch.js'
import { matchesFilters } from './list-patch.js'

let counter = 0

// A job this client is submitting (the client picks its id, so the server's copy is
// recognised): shown "pending" at the top of matching first pages until the server holds it.
export function submitOverlay (draft) {
  const overlay = {
    id: `submit-${++counter}`,
    job: { status: 'pending', progress_percent: 0, project: 'default', parent: null, created_at: new Date().toISOString(), ...draft, optimistic: true },
    confirm (job) { overlay.job = { ...job, optimistic: true } },
    apply (data, parsed) {
      if (parsed.kind === 'list') {
        const { filters } = parsed
        if ((filters.offset || 0) > 0 || !matchesFilters(overlay.job, filters)) return data
        if (data.jobs.some((row) => row.id === overlay.job.id)) return data
        return { ...data, jobs: [overlay.job, ...data.jobs].slice(0, filters.limit), total: data.total + 1 }
      }
      return data
    },
    // Settled once any snapshot or event from the server holds the job.
    settledBy (key, data, parsed) {
      if (parsed.kind === 'list') return data.jobs.some((row) => row.id === overlay.job.id && !row.optimistic)
      return parsed.kind === 'detail' && key === jobKey(overlay.job.id)
    },
    settledByEvent (event) { return event.type === 'job.created' && event.job === overlay.job.id }
  }
  return overlay
}

// A job this client is cancelling: shown as cancelled until the server shows it ended.
export function cancelOverlay (jobId) {
  const mark = (job) => (job.id === jobId && !isTerminalStatus(job.status) ? { ...job, status: 'cancelled', optimistic: true } : job)
  return {
    id: `cancel-${++counter}`,
    apply (data, parsed) {
      if (parsed.kind === 'detail' && parsed.jobId === jobId) return mark(data)
      if (parsed.kind === 'list' && data.jobs.some((job) => job.id === jobId)) return { ...data, jobs: data.jobs.map(mark) }
      return data
    },
    settledBy (key, data, parsed) {
      if (parsed.kind === 'detail' && parsed.jobId === jobId) return isTerminalStatus(data.status)
      return false
    },
    settledByEvent (event) { return event.type === 'job.status' && event.job === jobId && isTerminalStatus(event.data?.status) }
  }
}
