// Applying a job.log event ({offset, lines}) to a cached log tail
// ({job_id, lines, offset, total_lines, has_more, seq}). Lines are append-only and
// addressed by offset, so a repeat is recognised by its offset and dropped; a hole
// (an offset past what we hold) makes the tail stale.

export const MAX_TAIL_LINES = 1_000

export function patchLogs (logs, event) {
  if (event.type !== 'job.log' || !event.data) return { data: logs, stale: false }
  const { offset = 0, lines = [] } = event.data
  const held = logs.offset + logs.lines.length
  if (offset > held) return { data: logs, stale: true }
  const fresh = lines.slice(held - offset)
  if (fresh.length === 0) return { data: logs, stale: false }
  return { data: appendTail(logs, fresh), stale: false }
}

// Appends lines to a tail, keeping at most MAX_TAIL_LINES and advancing `offset`.
export function appendTail (logs, fresh) {
  let tail = logs.lines.concat(fresh)
  let start = logs.offset
  if (tail.length > MAX_TAIL_LINES) {
    start += tail.length - MAX_TAIL_LINES
    tail = tail.slice(tail.length - MAX_TAIL_LINES)
  }
  return { ...logs, lines: tail, offset: start, total_lines: Math.max(logs.total_lines, logs.offset + logs.lines.length + fresh.length), has_more: false }
}
