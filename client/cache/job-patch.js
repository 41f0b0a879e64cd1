// Applying one event to one job record. Returns the same object when nothing changed,
// a new object otherwise (snapshots are never mutated: React compares by reference).

export const TERMINAL_STATUSES = new Set(['completed', 'failed', 'cancelled'])
export const isTerminalStatus = (status) => TERMINAL_STATUSES.has(status)

export function patchJob (job, event) {
  const data = event.data || {}
  switch (event.type) {
    case 'job.status':
    case 'job.updated':
      return { ...job, ...data }
    case 'job.progress': {
      const progress = data.progress_percent ?? data.progress
      return progress === job.progress_percent ? job : { ...job, progress_percent: progress }
    }
    case 'job.log': {
      const end = (data.offset ?? 0) + (data.lines ? data.lines.length : 0)
      if (job.has_logs && (job.log_lines ?? 0) >= end) return job
      return { ...job, has_logs: true, log_lines: Math.max(job.log_lines ?? 0, end) }
    }
    default:
      return job
  }
}
