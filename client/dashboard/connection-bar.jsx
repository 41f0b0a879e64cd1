// Badge (Live / Delayed / Offline) with the transport and "last update N s ago"; the
// mode toggle, the polling interval, the refresh button, and the offer to go back to
// real-time after a fallback.
import { useState } from 'react'
import { useConnection, useJobwireClient } from '../react/index.js'

const MODES = [['auto', 'Auto'], ['realtime', 'Real-time'], ['polling', 'Polling']]

export function ConnectionBar () {
  const connection = useConnection()
  return (
    <div className="connection">
      <span className={`badge badge-${connection.status}`} data-testid="badge" data-status={connection.status}>{connection.label}</span>
      <span className="muted" data-testid="transport">{connection.transport || '…'}{connection.fallback ? ' (fallback)' : ''}</span>
      <span className="muted" data-testid="last-update">
        {connection.secondsAgo === null ? 'no update yet' : `last update ${connection.secondsAgo} s ago`}
      </span>
      <div className="modes" role="radiogroup" aria-label="Update mode">
        {MODES.map(([mode, label]) => (
          <button key={mode} type="button" role="radio" aria-checked={connection.mode === mode}
            className={connection.mode === mode ? 'on' : ''} data-testid={`mode-${mode}`}
            onClick={() => connection.setMode(mode)}>{label}</button>
        ))}
      </div>
      <IntervalSetting />
      <button type="button" data-testid="refresh" onClick={() => connection.refresh()}>Refresh</button>
      {connection.offer && (
        <button type="button" className="offer" data-testid="switch-back" onClick={() => connection.switchBack()}>
          Real-time works again: switch back
        </button>
      )}
    </div>
  )
}

function IntervalSetting () {
  const client = useJobwireClient()
  const [seconds, setSeconds] = useState(() => String(client.polling.intervalMs / 1000))
  const [problem, setProblem] = useState('')
  const apply = (event) => {
    event.preventDefault()
    try {
      client.setPollingInterval(Math.round(Number(seconds) * 1000))
      setProblem('')
    } catch (error) {
      setProblem(error.message)
    }
  }
  return (
    <form className="interval" onSubmit={apply} noValidate>
      <label>Poll every <input data-testid="interval" type="number" min="2" max="60" step="1" value={seconds}
        onChange={(e) => setSeconds(e.target.value)} /> s</label>
      <button type="submit">Set</button>
      {problem && <span className="problem" data-testid="interval-problem">{problem}</span>}
    </form>
  )
}
