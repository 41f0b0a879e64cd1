// Applying a job.file event to a project's file changes ({files, since_seq, seq}, as
// GET /api/files?project=&since_seq= answers): the path's row is replaced by its newest
// change and moves to the end, where the server lists the latest changes.

export function patchFileChanges (changes, event, { project }) {
  if (event.type !== 'job.file' || event.project !== project || !event.data) return { data: changes, stale: false }
  const { file_id: fileId, path, change } = event.data
  const row = { path, change, job_id: event.job, file_id: fileId, seq: event.seq, ts: event.ts }
  const files = changes.files.filter((file) => file.path !== path)
  files.push(row)
  return { data: { ...changes, files }, stale: false }
}
