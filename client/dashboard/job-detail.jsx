// The selected job: status, progress bar, times, duration, error, summary, files, its
// subjobs as a tree, and the live tail of its log.
import { useEffect, useRef, useState } from 'react'
import { useJob, useJobFiles, useJobLogs, useJobs, useJobActions } from '../react/index.js'
import { isTerminalStatus } from '../index.js'
import { formatDuration, formatProgress, formatTime, liveDuration } from './format.js'

export function JobDetail ({ id, onSelect }) {
  if (!id) return <section className="detail muted">Select a job to see it here.</section>
  return <Detail key={id} id={id} onSelect={onSelect} />
}

function Detail ({ id, onSelect }) {
  const { data: job, error } = useJob(id)
  const { cancelJob } = useJobActions()
  const [problem, setProblem] = useState('')
  if (error) return <section className="detail problem">Could not read job {id}: {error.message}</section>
  if (!job) return <section className="detail muted">Loading {id}…</section>
  const cancel = () => {
    setProblem('')
    cancelJob(id).catch((e) => setProblem(e.message))
  }
  return (
    <section className="detail" data-testid="detail" data-job={id} data-status={job.status}>
      <h2 className="mono">{job.id}</h2>
      <p><span className={`status status-${job.status}`} data-testid="detail-status">{job.status}</span> · {job.type} · {job.project}
        {!isTerminalStatus(job.status) && <button type="button" data-testid="cancel-job" onClick={cancel}>Cancel</button>}
        {' '}<a href={turnViewHref(id)} data-testid="turn-link">Turn view</a>
      </p>
      {problem && <p className="problem" data-testid="cancel-problem">{problem}</p>}
      <div className="bar big" data-testid="detail-progress" data-progress={job.progress_percent}>
        <div style={{ transform: `scaleX(${(job.progress_percent || 0) / 100})` }} />
      </div>
      <p className="muted">{formatProgress(job.progress_percent)}</p>
      <dl className="times">
        <dt>Created</dt><dd>{formatTime(job.created_at)}</dd>
        <dt>Started</dt><dd>{formatTime(job.started_at)}</dd>
        <dt>Completed</dt><dd>{formatTime(job.completed_at)}</dd>
        <dt>Duration</dt><dd data-testid="duration"><Duration job={job} /></dd>
      </dl>
      {job.error_message && <p className="problem" data-testid="error-message">{job.error_message}</p>}
      {job.summary !== null && job.summary !== undefined && (
        <><h3>Summary</h3><pre data-testid="summary">{JSON.stringify(job.summary, null, 2)}</pre></>
      )}
      <Files id={id} />
      <SubJobs id={id} onSelect={onSelect} depth={0} />
      <LogTail id={id} />
    </section>
  )
}

// This page with ?turn=ID added: the same server, transport and token.
function turnViewHref (id) {
  const params = new URLSearchParams(window.location.search)
  params.set('turn', id)
  return `?${params}`
}

function Duration ({ job }) {
  const running = job.started_at && !isTerminalStatus(job.status)
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    if (!running) return undefined
    const timer = setInterval(() => setNow(Date.now()), 1_000)
    return () => clearInterval(timer)
  }, [running])
  return formatDuration(liveDuration(job, now))
}

function Files ({ id }) {
  const { files } = useJobFiles(id)
  if (files.length === 0) return null
  return (
    <><h3>Files</h3>
      <ul data-testid="files">{files.map((f) => (
        <li key={f.file_id || f.path} className={f.change === 'deleted' ? 'deleted' : ''}>{f.path} <span className="muted">{f.change}</span></li>
      ))}</ul>
    </>
  )
}

// Subjobs, and theirs, a few levels deep.
function SubJobs ({ id, onSelect, depth }) {
  const { jobs } = useJobs({ parent: id, limit: 100 })
  if (jobs.length === 0) return null
  return (
    <>{depth === 0 && <h3>Subjobs</h3>}
      <ul className="tree" data-testid={depth === 0 ? 'job-tree' : undefined}>
        {jobs.map((child) => (
          <li key={child.id}>
            <button type="button" className="link mono" onClick={() => onSelect(child.id)}>{child.id}</button>
            {' '}<span className={`status status-${child.status}`}>{child.status}</span> {formatProgress(child.progress_percent)}
            {depth < 3 && <SubJobs id={child.id} onSelect={onSelect} depth={depth + 1} />}
          </li>
        ))}
      </ul>
    </>
  )
}

// The last lines of the log (the newest SHOWN_LINES: a short text re-lays out fast at
// 1,000 lines a second), kept scrolled to the bottom unless the reader scrolled up.
const SHOWN_LINES = 200

function LogTail ({ id }) {
  const { lines: all, data } = useJobLogs(id)
  const lines = all.length > SHOWN_LINES ? all.slice(-SHOWN_LINES) : all
  const box = useRef(null)
  const pinned = useRef(true)
  useEffect(() => {
    if (box.current && pinned.current) box.current.scrollTop = box.current.scrollHeight
  }, [lines])
  const onScroll = () => {
    const el = box.current
    pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 20
  }
  return (
    <><h3>Log <span className="muted">{data ? `${data.total_lines} lines` : ''}</span></h3>
      <pre className="log" ref={box} onScroll={onScroll} data-testid="log" data-lines={data ? data.total_lines : 0}>{lines.join('\n')}</pre>
    </>
  )
}
