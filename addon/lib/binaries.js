'use strict'
// Where jobwire's native binaries (jobwire.node, jobwired) are found, in order:
//   1. the path in an environment variable (JOBWIRE_ADDON_PATH, JOBWIRED_BIN): when set, it is
//      the only candidate, so a developer pointing at a build never silently runs another one;
//   2. the prebuild shipped in the package for this platform, prebuilds/<platform>-<arch>/;
//   3. a local build, build/ (a checkout's `npm run setup`, or the install step's build from
//      source when no prebuild matched).
const fs = require('node:fs')
const path = require('node:path')

const packageRoot = path.resolve(__dirname, '..', '..')
const platformTag = `${process.platform}-${process.arch}`

function candidates (file, envName) {
  const explicit = process.env[envName]
  if (explicit) return [{ path: path.resolve(explicit), from: `$${envName}` }]
  return [
    { path: path.join(packageRoot, 'prebuilds', platformTag, file), from: `the prebuild for ${platformTag}` },
    { path: path.join(packageRoot, 'build', file), from: 'a local build' }
  ]
}

const howToBuild =
  'To build it from source: install cmake, g++, make, pkg-config and the Debian packages ' +
  'libuv1-dev libsqlite3-dev zlib1g-dev nlohmann-json3-dev libwslay-dev; then, in your project, ' +
  'allow jobwire\'s install script (npm 11: `npm install-scripts approve jobwire`) and run ' +
  '`npm rebuild jobwire`. In a checkout of jobwire: `npm run setup`.'

// Calls load(path) on each candidate that exists and returns the first result. When none
// loads, throws an Error (code 'unavailable') naming every path tried and why it failed:
// a missing file, or the loader's own message (a missing library, a wrong architecture).
function locate (file, envName, load) {
  const tried = []
  for (const candidate of candidates(file, envName)) {
    if (!fs.existsSync(candidate.path)) {
      tried.push({ ...candidate, reason: 'missing' })
      continue
    }
    try {
      return { path: candidate.path, value: load(candidate.path) }
    } catch (err) {
      tried.push({ ...candidate, reason: `failed to load: ${String(err.message).split('\n')[0]}` })
    }
  }
  const lines = tried.map((t) => `  ${t.path} (${t.from}): ${t.reason}`)
  const err = new Error(`jobwire: could not load ${file}. Tried:\n${lines.join('\n')}\n${howToBuild}`)
  err.code = 'unavailable'
  err.tried = tried
  throw err
}

module.exports = { locate, candidates, platformTag, packageRoot }
