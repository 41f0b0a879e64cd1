// How times, durations and statuses read on screen.
export function formatTime (iso) {
  if (!iso) return '—'
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? '—' : date.toLocaleTimeString()
}

export function formatDuration (seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '—'
  if (seconds < 60) return `${seconds.toFixed(1)} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`
}

// Seconds run so far: the server's figure once finished, counted from started_at before.
export function liveDuration (job, now = Date.now()) {
  if (job.completed_at && job.duration_seconds !== null && job.duration_seconds !== undefined) return job.duration_seconds
  if (!job.started_at) return null
  return Math.max(0, (now - new Date(job.started_at).getTime()) / 1000)
}

export function formatProgress (percent) {
  return `${Math.round(percent || 0)}%`
}
