'use strict'
// Bundles the dashboard (client/dashboard) with esbuild into <build>/dashboard, the
// folder jobwired serves at /. Skipped until the dashboard exists.
const fs = require('node:fs')
const path = require('node:path')

const root = path.resolve(__dirname, '..', '..')

function buildDashboard ({ buildDir = 'build' } = {}) {
  const script = path.join(root, 'client', 'dashboard', 'build.js')
  if (!fs.existsSync(script)) return
  require(script).build({ outDir: path.resolve(root, buildDir, 'dashboard') })
}

module.exports = { buildDashboard }
