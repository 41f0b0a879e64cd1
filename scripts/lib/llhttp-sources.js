'use strict'
// llhttp's C sources come from Debian's node-llhttp package. Installing that package
// would pull in Debian's own nodejs (and replace a newer Node on machines where Node was
// not installed from a .deb), so when the sources are not already on the system we fetch
// the .deb with `apt-get download` and unpack only its files into build/third_party.
// The npm package carries a copy in third_party/llhttp (scripts/prebuild.js puts it there),
// so a build from source inside a consumer's project needs neither.
const fs = require('node:fs')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const root = path.resolve(__dirname, '..', '..')
const SYSTEM = { sources: '/usr/share/llhttp', include: '/usr/share/include/llhttp' }
const PACKAGED = { sources: path.join(root, 'third_party', 'llhttp'), include: path.join(root, 'third_party', 'llhttp') }

function present ({ sources, include }) {
  return fs.existsSync(path.join(sources, 'llhttp.c')) && fs.existsSync(path.join(include, 'llhttp.h'))
}

function run (cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] })
  return r.status === 0
}

// Returns { sources, include } for CMake's LLHTTP_DIR and LLHTTP_INCLUDE.
function ensureLlhttpSources () {
  if (present(SYSTEM)) return SYSTEM
  if (present(PACKAGED)) return PACKAGED
  const dir = path.join(root, 'build', 'third_party', 'node-llhttp')
  const local = { sources: path.join(dir, 'usr/share/llhttp'), include: path.join(dir, 'usr/share/include/llhttp') }
  if (present(local)) return local
  fs.mkdirSync(dir, { recursive: true })
  console.log('setup: fetching the llhttp C sources (Debian package node-llhttp, unpacked, not installed)')
  let downloaded = run('apt-get', ['download', 'node-llhttp'], dir)
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  if (!downloaded && isRoot) downloaded = run('apt-get', ['update'], dir) && run('apt-get', ['download', 'node-llhttp'], dir)
  const deb = fs.readdirSync(dir).find((f) => f.startsWith('node-llhttp') && f.endsWith('.deb'))
  if (!downloaded || !deb || !run('dpkg-deb', ['-x', deb, '.'], dir) || !present(local)) {
    throw new Error('setup: could not fetch the llhttp C sources. Install them with:\n  sudo apt-get install -y node-llhttp')
  }
  return local
}

module.exports = { ensureLlhttpSources, PACKAGED }
