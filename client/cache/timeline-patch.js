// Applying an event to the timeline of a job and its subjobs ({events, members, next}):
// an event of the job, or of a job whose parent is already a member, is appended (and its
// job becomes a member, so sub-subjobs follow). Only the newest MAX_TIMELINE stay.

export const MAX_TIMELINE = 1_000

export function inTimeline (members, event) {
  return members.includes(event.job) || (event.parent != null && members.includes(event.parent))
}

export function appendTimeline (timeline, events) {
  let members = timeline.members
  const added = []
  for (const event of events) {
    if (!event.job || !inTimeline(members, event)) continue
    if (!members.includes(event.job)) members = [...members, event.job]
    added.push(event)
  }
  if (added.length === 0) return timeline
  return { ...timeline, members, events: [...timeline.events, ...added].slice(-MAX_TIMELINE) }
}

export function patchTimeline (timeline, event) {
  const data = appendTimeline(timeline, [event])
  return { data: data === timeline ? timeline : { ...data, next: event.seq }, stale: false }
}
