'use strict'
// The Debian packages each command needs, checked with dpkg and installed with apt-get
// when running as root; otherwise named, with the command that installs them.
const { spawnSync } = require('node:child_process')

// node-llhttp is not here: see llhttp-sources.js.
const BUILD = ['cmake', 'g++', 'make', 'pkg-config', 'libuv1-dev', 'libsqlite3-dev', 'nlohmann-json3-dev',
  'catch2', 'libwslay-dev', 'zlib1g-dev', 'libpq-dev']
const TEST = ['chromium', 'postgresql']
const PACKAGES = { build: BUILD, start: BUILD, test: [...BUILD, ...TEST] }

function isInstalled (pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' })
  return r.status === 0 && r.stdout.includes('install ok installed')
}

function ensureSystemPackages (purpose) {
  const missing = PACKAGES[purpose].filter((p) => !isInstalled(p))
  if (missing.length === 0) return
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  if (!isRoot) {
    throw new Error(`jobwire needs these Debian packages: ${missing.join(' ')}\n` +
      `Install them with:\n  sudo apt-get install -y ${missing.join(' ')}`)
  }
  console.log(`setup: installing Debian packages: ${missing.join(' ')}`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  const update = spawnSync('apt-get', ['update'], { stdio: 'inherit', env })
  if (update.status !== 0) throw new Error('setup: apt-get update failed')
  const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'inherit', env })
  if (install.status !== 0) throw new Error(`setup: apt-get install failed for: ${missing.join(' ')}`)
}

module.exports = { ensureSystemPackages, PACKAGES }
