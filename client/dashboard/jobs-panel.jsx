// The jobs table: status and type filters, pages of 50 (so 10,000 jobs cost one page of
// rows), and a header counting the same page's key: both read one shared request.
import { memo, useEffect, useState } from 'react'
import { useJobs } from '../react/index.js'
import { formatProgress, formatTime } from './format.js'

const PAGE = 50
const STATUSES = ['', 'pending', 'running', 'completed', 'failed', 'cancelled']

export function JobsPanel ({ selected, onSelect }) {
  const [status, setStatus] = useState('')
  const [typeText, setTypeText] = useState('')
  const [type, setType] = useState('')
  const [offset, setOffset] = useState(0)

  // Typing settles for 300 ms before the filter changes, so each keystroke is not a request.
  // Only a changed filter goes back to the first page (not the first render, not a space).
  useEffect(() => {
    const next = typeText.trim()
    if (next === type) return
    const timer = setTimeout(() => { setType(next); setOffset(0) }, 300)
    return () => clearTimeout(timer)
  }, [typeText, type])

  const filters = { status, type, offset, limit: PAGE }
  return (
    <section className="jobs">
      <div className="filters">
        <label>Status <select data-testid="status-filter" value={status}
          onChange={(e) => { setStatus(e.target.value); setOffset(0) }}>
          {STATUSES.map((s) => <option key={s} value={s}>{s || 'any'}</option>)}
        </select></label>
        <label>Type <input data-testid="type-filter" value={typeText} placeholder="any"
          onChange={(e) => setTypeText(e.target.value)} /></label>
        <JobCount filters={filters} />
      </div>
      <JobsTable filters={filters} selected={selected} onSelect={onSelect} />
      <Pager filters={filters} onOffset={setOffset} />
    </section>
  )
}

function JobCount ({ filters }) {
  const { total, isLoading } = useJobs(filters)
  return <span className="muted" data-testid="job-count">{isLoading ? 'loading…' : `${total} jobs`}</span>
}

function JobsTable ({ filters, selected, onSelect }) {
  const { jobs, error } = useJobs(filters)
  if (error) return <p className="problem">Could not read the jobs: {error.message}</p>
  return (
    <table className="table" data-testid="jobs-table">
      <thead><tr><th>Job</th><th>Type</th><th>Status</th><th>Progress</th><th>Created</th></tr></thead>
      <tbody>
        {jobs.map((job) => <JobRow key={job.id} job={job} selected={job.id === selected} onSelect={onSelect} />)}
      </tbody>
    </table>
  )
}

// Rows are memoised on the job object: an event replaces only the job it touched.
const JobRow = memo(function JobRow ({ job, selected, onSelect }) {
  return (
    <tr className={selected ? 'selected' : ''} data-testid="job-row" data-job={job.id} data-status={job.status}
      onClick={() => onSelect(job.id)}>
      <td className="mono">{job.parent ? '↳ ' : ''}{job.id}</td>
      <td title={job.type}>{job.type}</td>
      <td><span className={`status status-${job.status}`}>{job.status}{job.optimistic ? '…' : ''}</span></td>
      <td><div className="bar"><div style={{ transform: `scaleX(${(job.progress_percent || 0) / 100})` }} /></div> {formatProgress(job.progress_percent)}</td>
      <td>{formatTime(job.created_at)}</td>
    </tr>
  )
})

function Pager ({ filters, onOffset }) {
  const { total } = useJobs(filters)
  const first = total === 0 ? 0 : filters.offset + 1
  const last = Math.min(filters.offset + filters.limit, total)
  return (
    <div className="pager">
      <button type="button" data-testid="prev-page" disabled={filters.offset === 0}
        onClick={() => onOffset(Math.max(0, filters.offset - filters.limit))}>Previous</button>
      <span className="muted">{first}–{last} of {total}</span>
      <button type="button" data-testid="next-page" disabled={last >= total}
        onClick={() => onOffset(filters.offset + filters.limit)}>Next</button>
    </div>
  )
}
