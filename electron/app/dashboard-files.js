'use strict'
// Where the desktop app finds the dashboard bundle (built by `npm run setup` from
// client/dashboard), and how it answers the app's own URL scheme from that folder only.
const fs = require('node:fs')
const path = require('node:path')

const root = path.resolve(__dirname, '..', '..')

// The dashboard talks to nothing but its own origin (and, in the app, window.jobwire): no
// remote script, no inline script, no framing. React sets inline style attributes.
const DASHBOARD_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
  "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'none'",
].join('; ')

function dashboardDir () {
  return path.resolve(process.env.JOBWIRE_DASHBOARD_DIR || path.join(root, 'build', 'dashboard'))
}

// The file a request path names inside `dir`, or null when it is missing or would leave it.
function resolveDashboardFile (dir, pathname) {
  let decoded
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return null
  }
  const file = path.resolve(dir, '.' + (decoded === '/' ? '/index.html' : decoded))
  if (!file.startsWith(dir + path.sep)) return null
  return fs.existsSync(file) && fs.statSync(file).isFile() ? file : null
}

module.exports = { dashboardDir, resolveDashboardFile, DASHBOARD_CSP }
