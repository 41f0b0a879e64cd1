// Applying an event to a set of jobs read by id ({jobs, missing, seq}). A job of the set is
// patched like a job's detail and, when the key asks for fields, cut back to them (with
// updated_seq moved to the event); a missing id that gets created makes the key stale.

import { patchJob } from './job-patch.js'

export function patchJobSet (set, event, { ids, fields }) {
  if (!event.job || !ids.includes(event.job)) return { data: set, stale: false }
  const index = set.jobs.findIndex((job) => job.id === event.job)
  if (index < 0) return { data: set, stale: event.type === 'job.created' }
  const held = set.jobs[index]
  let job = patchJob(held, event)
  if (fields) {
    const projected = { id: held.id }
    for (const field of fields) projected[field] = field === 'updated_seq' ? event.seq : job[field]
    job = projected
  }
  const jobs = set.jobs.slice()
  jobs[index] = job
  return { data: { ...set, jobs }, stale: false }
}
