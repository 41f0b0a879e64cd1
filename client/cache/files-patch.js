// Applying a job.file event ({file_id, path, change}) to a cached file list ({files, seq}).
// A file keeps its row when deleted, marked with change "deleted", as the server does.

export function patchFiles (list, event) {
  if (event.type !== 'job.file' || !event.data) return { data: list, stale: false }
  const { file_id: fileId, path, change } = event.data
  const index = list.files.findIndex((file) => file.file_id === fileId || (!fileId && file.path === path))
  const row = { ...(index >= 0 ? list.files[index] : { job_id: event.job }), file_id: fileId, path, change, updated_at: event.ts }
  const files = list.files.slice()
  if (index >= 0) files[index] = row
  else files.push(row)
  return { data: { ...list, files }, stale: false }
}
