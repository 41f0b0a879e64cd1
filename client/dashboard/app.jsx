// The page: connection bar on top, the jobs table on the left, the selected job on the right;
// or, with ?turn=ID, the turn view of that job alone.
import { useState } from 'react'
import { ConnectionBar } from './connection-bar.jsx'
import { JobsPanel } from './jobs-panel.jsx'
import { JobDetail } from './job-detail.jsx'
import { SubmitForm } from './submit-form.jsx'
import { TurnView } from './turn-view.jsx'

// The bar every view starts with: the name and the connection's state.
function TopBar () {
  return (
    <header className="top">
      <h1>jobwire</h1>
      <ConnectionBar />
    </header>
  )
}

export function App ({ tokenControl, turn }) {
  const [selected, setSelected] = useState(null)
  if (turn) {
    return (
      <div className="app">
        <TopBar />
        <main className="single"><TurnView id={turn} /></main>
      </div>
    )
  }
  return (
    <div className="app">
      <TopBar />
      <SubmitForm tokenControl={tokenControl} onSubmitted={setSelected} />
      <main className="panes">
        <JobsPanel selected={selected} onSelect={setSelected} />
        <JobDetail id={selected} onSelect={setSelected} />
      </main>
    </div>
  )
}
