'use strict'
// The Debian packages each command needs, checked with dpkg and installed with apt-get
// when running as root; otherwise named, with the command that installs them.
const fs = require('node:fs')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

// What a build from source needs: the package's own install step, without tests or benches.
// node-llhttp is not here: see llhttp-sources.js. libpq-dev: only its header (libpq-fe.h);
// the PostgreSQL store loads libpq.so.5 at run time, so running needs no libpq.
const SOURCE = ['cmake', 'g++', 'make', 'pkg-config', 'libuv1-dev', 'libsqlite3-dev', 'nlohmann-json3-dev',
  'libwslay-dev', 'zlib1g-dev', 'libpq-dev']
const BUILD = [...SOURCE, 'catch2']
// python3-venv: the Python suite installs python/ into a new venv, as a user would.
// clang and its libFuzzer runtime: the fuzz targets (tests/fuzz) build with them.
const TEST = ['chromium', 'postgresql', 'python3', 'python3-venv', 'clang', 'libclang-rt-14-dev']
// What the benchmarks drive their load with (scripts/bench/run-all.js), beyond the tests' own.
const BENCH = ['wrk']
const PACKAGES = { build: BUILD, start: BUILD, test: [...BUILD, ...TEST], bench: [...BUILD, ...TEST, ...BENCH] }
// The tools of a source build, each with the Debian package that provides it.
const TOOLS = { cmake: 'cmake', 'c++': 'g++', make: 'make', 'pkg-config': 'pkg-config' }

function isInstalled (pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' })
  return r.status === 0 && r.stdout.includes('install ok installed')
}

function onPath (tool) {
  return (process.env.PATH || '').split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir, tool), fs.constants.X_OK)
      return true
    } catch { return false }
  })
}

// What a build from source lacks: tools not on PATH, and (where dpkg can tell) Debian
// packages not installed. Both lists empty: the build can start.
function missingForSourceBuild () {
  const tools = Object.keys(TOOLS).filter((tool) => !onPath(tool))
  const hasDpkg = onPath('dpkg-query')
  const packages = new Set(tools.map((tool) => TOOLS[tool]))
  if (hasDpkg) for (const pkg of SOURCE) if (!isInstalled(pkg)) packages.add(pkg)
  return { tools, packages: [...packages], checkedPackages: hasDpkg }
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

module.exports = { ensureSystemPackages, missingForSourceBuild, PACKAGES, SOURCE }
