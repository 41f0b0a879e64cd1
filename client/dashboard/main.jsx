// The dashboard's entry: one client for the page, the React tree under it. The client is
// also reachable as window.jobwireDashboard.client, for the browser tests and benchmarks.
import { createRoot } from 'react-dom/client'
import { createClient } from '../index.js'
import { JobwireProvider } from '../react/index.js'
import { readConfig } from './config.js'
import { App } from './app.jsx'

const config = readConfig()
let token = config.token
const client = createClient({
  baseUrl: config.baseUrl,
  transport: config.transport,
  token: () => token,
  customEventTypes: config.customEventTypes
})
const tokenControl = { get: () => token, set: (value) => { token = value } }

window.jobwireDashboard = { client }
createRoot(document.getElementById('root')).render(
  <JobwireProvider client={client}>
    <App tokenControl={tokenControl} turn={config.turn} />
  </JobwireProvider>
)
