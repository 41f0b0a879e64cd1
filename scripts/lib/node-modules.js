'use strict'
// Runs `npm ci` when node_modules is missing or older than package-lock.json.
const fs = require('node:fs')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const root = path.resolve(__dirname, '..', '..')

function mtime (file) {
  try { return fs.statSync(file).mtimeMs } catch { return 0 }
}

function ensureNodeModules () {
  const lock = path.join(root, 'package-lock.json')
  const installed = path.join(root, 'node_modules', '.package-lock.json')
  if (mtime(installed) >= mtime(lock)) return
  console.log('setup: npm ci')
  // Electron is an optional peer and is never installed here; its binary is never fetched.
  const env = { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', env })
  if (r.status !== 0) throw new Error('setup: npm ci failed')
}

module.exports = { ensureNodeModules }
