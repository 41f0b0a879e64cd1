#!/usr/bin/env node
// npm's install step for the jobwire package. A prebuild that loads on this machine means
// nothing is compiled. Without one, jobwire.node and jobwired are built from source with
// CMake into build/ (no tests, no benchmarks: the package carries neither); when a tool
// or a Debian package that build needs is missing, the install fails with one message
// that names them all.
'use strict'
const fs = require('node:fs')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const root = path.resolve(__dirname, '..')

// A checkout of the repository (the package never carries tests/) builds with
// `npm run setup`, which `npm start` and `npm test` call: nothing to do at `npm ci`.
if (fs.existsSync(path.join(root, 'tests'))) process.exit(0)

const { platformTag } = require('../addon/lib/binaries')
const { missingForSourceBuild, SOURCE } = require('./lib/system-packages')

function prebuildProblem () {
  const dir = path.join(root, 'prebuilds', platformTag)
  const addon = path.join(dir, 'jobwire.node')
  const daemon = path.join(dir, 'jobwired')
  if (!fs.existsSync(addon) || !fs.existsSync(daemon)) return `no prebuild for ${platformTag} in the package`
  try {
    require(addon)
  } catch (err) {
    return `the prebuild ${addon} does not load here: ${String(err.message).split('\n')[0]}`
  }
  const probe = spawnSync(daemon, ['--version'], { encoding: 'utf8' })
  if (probe.status !== 0) return `the prebuild ${daemon} does not run here: ${(probe.stderr || String(probe.error)).trim()}`
  return null
}

function failMissing (why, missing) {
  const packages = missing.checkedPackages ? missing.packages : SOURCE
  const lines = [`jobwire: ${why}, so it must be built from source, and that needs what is missing here:`]
  if (missing.tools.length) lines.push(`  tools not found on PATH: ${missing.tools.join(' ')}`)
  if (missing.checkedPackages) lines.push(`  Debian packages not installed: ${packages.join(' ')}`)
  else lines.push(`  (no dpkg here to check packages; on Debian or Ubuntu the build needs: ${packages.join(' ')})`)
  lines.push('Install them with:', `  sudo apt-get install -y ${packages.join(' ')}`, 'then run: npm rebuild jobwire')
  console.error(lines.join('\n'))
  process.exit(1)
}

function main () {
  const why = prebuildProblem()
  if (!why) return
  const missing = missingForSourceBuild()
  try {
    require('./lib/llhttp-sources').ensureLlhttpSources()
  } catch {
    missing.packages.push('node-llhttp')
  }
  if (missing.tools.length || missing.packages.length) failMissing(why, missing)

  console.log(`jobwire: ${why}; building from source with CMake (a few minutes)`)
  const { buildNative } = require('./lib/native-build')
  buildNative({ buildDir: 'build', cmakeFlags: ['-DCMAKE_BUILD_TYPE=Release', '-DJOBWIRE_TESTS=OFF', '-DJOBWIRE_BENCH=OFF'] })
  require(path.join(root, 'build', 'jobwire.node'))
  console.log('jobwire: built build/jobwire.node and build/jobwired')
}

try {
  main()
} catch (err) {
  console.error(`jobwire: the build from source failed: ${err.message}`)
  process.exit(1)
}
