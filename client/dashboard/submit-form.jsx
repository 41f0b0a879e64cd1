// The write token and the "submit demo job" button. The token field is a plain
// controlled input: events re-render other parts of the page, never this text.
import { useState } from 'react'
import { useJobActions } from '../react/index.js'
import { storeToken } from './config.js'

export function SubmitForm ({ tokenControl, onSubmitted }) {
  const { submitJob } = useJobActions()
  const [token, setToken] = useState(tokenControl.get())
  const [type, setType] = useState('demo')
  const [problem, setProblem] = useState('')

  const changeToken = (value) => {
    setToken(value)
    tokenControl.set(value)
    storeToken(value)
  }

  const submit = async (event) => {
    event.preventDefault()
    setProblem('')
    try {
      const job = await submitJob({ type: type.trim() || 'demo' })
      onSubmitted(job.id)
    } catch (error) {
      setProblem(error.status === 401 || error.status === 403 ? 'The server refused the token.' : error.message)
    }
  }

  return (
    <form className="submit" onSubmit={submit}>
      <label>Token <input data-testid="token" type="password" autoComplete="off" value={token}
        placeholder="paste the jobwired token" onChange={(e) => changeToken(e.target.value)} /></label>
      <label>Type <input data-testid="job-type" value={type} onChange={(e) => setType(e.target.value)} /></label>
      <button type="submit" data-testid="submit-job">Submit demo job</button>
      {problem && <span className="problem" data-testid="submit-problem">{problem}</span>}
    </form>
  )
}
