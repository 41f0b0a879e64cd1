// The view of one agent turn, as an agent-turn app would embed it: the turn's status, its
// subjobs as a tree with live status, the documents its project changed since the turn
// began, and a timeline of its events (status changes, files, custom x.* events such as an
// intervention request). Every key is read under the `turn` polling preset and tied to the
// turn, so polling stops when it ends and pauses (shown) when it stalls.
import { useJob, useJobs, useTimeline, useFileChanges } from '../react/index.js'
import { formatProgress, formatTime } from './format.js'

const SHOWN_TYPES = (type) => type === 'job.created' || type === 'job.status' || type === 'job.file' || type.startsWith('x.')

export function TurnView ({ id }) {
  const turn = useJob(id, { policy: 'turn' })
  const timeline = useTimeline(id, { policy: 'turn', job: id })
  const job = turn.data
  if (turn.error) return <section className="turn problem">Could not read turn {id}: {turn.error.message}</section>
  if (!job) return <section className="turn muted">Loading turn {id}…</section>
  const created = timeline.events.find((event) => event.type === 'job.created' && event.job === id)
  const paused = turn.paused || timeline.paused
  return (
    <section className="turn" data-testid="turn" data-job={id} data-status={job.status}>
      <h2>Turn <span className="mono">{id}</span>{' '}
        <span className={`status status-${job.status}`} data-testid="turn-status">{job.status}</span>{' '}
        <span className="muted">{formatProgress(job.progress_percent)}</span>
      </h2>
      {paused && (
        <p className="paused" data-testid="turn-paused">paused: no end after 2 minutes, so polling stopped. Click or focus the page to resume.</p>
      )}
      <div className="turn-panes">
        <div>
          <h3>Subjobs</h3>
          <TurnTree id={id} root={id} depth={0} />
          <h3>Documents</h3>
          {created ? <Documents project={job.project} since={created.seq - 1} turn={id} /> : <p className="muted">—</p>}
        </div>
        <div>
          <h3>Timeline</h3>
          {timeline.data?.truncated && <p className="muted">Earlier events are past the server's retention.</p>}
          <ol className="timeline" data-testid="timeline">
            {timeline.events.filter((event) => SHOWN_TYPES(event.type)).map((event) => (
              <li key={event.seq} data-type={event.type}>
                <span className="muted">{formatTime(event.ts)}</span> <TimelineEntry event={event} turn={id} />
              </li>
            ))}
          </ol>
        </div>
      </div>
    </section>
  )
}

function TimelineEntry ({ event, turn }) {
  const who = event.job === turn ? 'turn' : <span className="mono">{event.job}</span>
  const data = event.data || {}
  switch (event.type) {
    case 'job.created': return <>{who} created{event.job !== turn && data.type ? ` (${data.type})` : ''}</>
    case 'job.status': return <>{who} <span className={`status status-${data.status}`}>{data.status}</span></>
    case 'job.file': return <>{who} {data.change} <span className="mono">{data.path}</span></>
    default: return <><strong className={event.type === 'x.intervention_request' ? 'problem' : ''}>{event.type}</strong> {who} <span className="mono">{JSON.stringify(data)}</span></>
  }
}

// The subjobs of `id` with their live status, and theirs, a few levels deep.
function TurnTree ({ id, root, depth }) {
  const { jobs } = useJobs({ parent: id, limit: 100 }, { policy: 'turn', job: root })
  if (jobs.length === 0) return depth === 0 ? <p className="muted">none</p> : null
  return (
    <ul className="tree" data-testid={depth === 0 ? 'turn-tree' : undefined}>
      {jobs.map((child) => (
        <li key={child.id} data-job={child.id} data-status={child.status}>
          <span className="mono">{child.id}</span> {child.type}{' '}
          <span className={`status status-${child.status}`}>{child.status}</span> {formatProgress(child.progress_percent)}
          {depth < 3 && <TurnTree id={child.id} root={root} depth={depth + 1} />}
        </li>
      ))}
    </ul>
  )
}

function Documents ({ project, since, turn }) {
  const { files } = useFileChanges(project, since, { policy: 'turn', job: turn })
  if (files.length === 0) return <p className="muted">none</p>
  return (
    <ul data-testid="turn-documents">{files.map((file) => (
      <li key={file.path} className={file.change === 'deleted' ? 'deleted' : ''}>
        <span className="mono">{file.path}</span> <span className="muted">{file.change}</span>
      </li>
    ))}</ul>
  )
}
