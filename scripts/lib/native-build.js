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
  const cache = path.join(dir, 'CMakeCache.txt')
  if (fs.existsSync(cache) && !cacheHolds(cache, cmakeFlags)) {
    // Made earlier with other options (say, a build-fuzz/ without its tests): set them again.
    console.log(`setup: ${buildDir}/ was configured with other options; configuring it again`)
    run('cmake', ['-B', dir, ...cmakeFlags.filter((flag) => flag.startsWith('-DJOBWIRE_'))])
  }
  if (!fs.existsSync(cache)) {
    const llhttp = ensureLlhttpSources()
    console.log(`setup: configuring ${buildDir}/`)
    run('cmake', ['-S', root, '-B', dir, `-DLLHTTP_DIR=${llhttp.sources}`, `-DLLHTTP_INCLUDE=${llhttp.include}`,
      `-DNODE_EXECUTABLE=${process.execPath}`, ...cmakeFlags])
  }
  const jobs = String(Math.max(1, os.cpus().length))
  run('cmake', ['--build', dir, '--parallel', jobs])
}

// Whether the cache already has every -DJOBWIRE_…=value of `cmakeFlags` (the project's own
// options; a compiler cannot be changed in place, and a new directory sets it).
function cacheHolds (cache, cmakeFlags) {
  const text = fs.readFileSync(cache, 'utf8')
  return cmakeFlags.filter((flag) => flag.startsWith('-DJOBWIRE_')).every((flag) => {
    const [name, value] = flag.slice(2).split('=')
    return new RegExp(`^${name}:[A-Z]+=${value}$`, 'm').test(text)
  })
}

// One clang build serves the ASan+UBSan run of the C++ tests (scripts/test.js) and the
// libFuzzer targets (scripts/fuzz.js): -fsanitize=fuzzer-no-link instruments every object
// for libFuzzer as well, so the core is compiled once for both.
const ASAN_FUZZ_BUILD = Object.freeze({
  buildDir: 'build-fuzz',
  cmakeFlags: ['-DCMAKE_C_COMPILER=clang', '-DCMAKE_CXX_COMPILER=clang++', '-DJOBWIRE_FUZZ=ON', '-DJOBWIRE_TESTS=ON',
    '-DJOBWIRE_ADDON=OFF', '-DJOBWIRE_BENCH=OFF']
})

module.exports = { buildNative, root, ASAN_FUZZ_BUILD }
