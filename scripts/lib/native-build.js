'use strict'
// Configures (once) and builds the native targets with CMake; the build itself is
// incremental, so calling this when nothing changed costs a second.
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const { ensureLlhttpSources } = require('./llhttp-sources')

const root = path.resolve(__dirname, '..', '..')

function run (cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) throw new Error(`setup: ${cmd} ${args.join(' ')} failed`)
}

// The node running this script is the one whose module resolution finds node-addon-api and
// node-api-headers (addon/CMakeLists.txt asks it).
function buildNative ({ buildDir = 'build', cmakeFlags = [] } = {}) {
  const dir = path.resolve(root, buildDir)
  if (!fs.existsSync(path.join(dir, 'CMakeCache.txt'))) {
    const llhttp = ensureLlhttpSources()
    console.log(`setup: configuring ${buildDir}/`)
    run('cmake', ['-S', root, '-B', dir, `-DLLHTTP_DIR=${llhttp.sources}`, `-DLLHTTP_INCLUDE=${llhttp.include}`,
      `-DNODE_EXECUTABLE=${process.execPath}`, ...cmakeFlags])
  }
  const jobs = String(Math.max(1, os.cpus().length))
  run('cmake', ['--build', dir, '--parallel', jobs])
}

module.exports = { buildNative, root }
