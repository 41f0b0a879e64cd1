#!/usr/bin/env node
// `npm run prebuild`: what the npm package ships besides its JavaScript.
//   prebuilds/<platform>-<arch>/  jobwire.node and jobwired as `npm run setup` builds (and
//                                 `npm test` tests) them, SQLite, libuv and zlib linked in,
//                                 stripped; beside them the shared objects Debian has no
//                                 static archive for (libwslay), found through $ORIGIN
//   dist/dashboard/               the dashboard bundle, which jobwired serves at /
//   third_party/llhttp/           llhttp's C sources, for a build from source without them
// It refuses to finish when a binary would load a library that is neither the C/C++
// runtime nor in its own folder. A release: `npm run prebuild && npm pack`.
'use strict'
const fs = require('node:fs')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const { ensureSystemPackages } = require('./lib/system-packages')
const { ensureNodeModules } = require('./lib/node-modules')
const { buildNative, root } = require('./lib/native-build')
const { ensureLlhttpSources, PACKAGED: packagedLlhttp } = require('./lib/llhttp-sources')
const { sharedLibraries, foreignLibraries, RUNTIME } = require('./lib/elf-deps')
const { platformTag } = require('../addon/lib/binaries')

const BINARIES = [
  { file: 'jobwire.node', strip: ['--strip-unneeded'] }, // keeps the dynamic symbols Node looks up
  { file: 'jobwired', strip: ['--strip-all'] }
]

function step (text) { console.log(`prebuild: ${text}`) }

function run (cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) throw new Error(`prebuild: ${cmd} ${args.join(' ')} failed`)
}

function fresh (dir) {
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir, { recursive: true })
  return dir
}

function copyBinaries (outDir) {
  for (const { file, strip } of BINARIES) {
    const target = path.join(outDir, file)
    fs.copyFileSync(path.join(root, 'build', file), target)
    run('strip', [...strip, target])
  }
  // Each library outside the runtime that a binary needs travels beside it, under its soname.
  for (const { file } of BINARIES) {
    for (const lib of sharedLibraries(path.join(outDir, file))) {
      if (RUNTIME.test(lib.name) || fs.existsSync(path.join(outDir, lib.name))) continue
      if (!lib.path) throw new Error(`prebuild: ${file} needs ${lib.name}, which is not found here`)
      step(`shipping ${lib.name} (from ${fs.realpathSync(lib.path)}) beside the binaries`)
      fs.copyFileSync(fs.realpathSync(lib.path), path.join(outDir, lib.name))
    }
  }
  for (const { file } of BINARIES) {
    const foreign = foreignLibraries(path.join(outDir, file), outDir)
    if (foreign.length) throw new Error(`prebuild: ${file} would load ${foreign.map((l) => l.path || l.name).join(', ')} from outside the package`)
  }
}

// The licences of what the binaries carry: linked in, or shipped beside them.
const CARRIED = ['libsqlite3-dev', 'libuv1-dev', 'zlib1g-dev', 'libwslay1', 'nlohmann-json3-dev']

function writeNotices (outDir) {
  const parts = CARRIED.map((pkg) => {
    const file = path.join('/usr/share/doc', pkg, 'copyright')
    if (!fs.existsSync(file)) throw new Error(`prebuild: ${file} is missing; cannot ship ${pkg} without its licence`)
    return `==== ${pkg} (Debian package; ${file})\n\n${fs.readFileSync(file, 'utf8')}`
  })
  fs.writeFileSync(path.join(outDir, 'THIRD_PARTY_LICENSES'), parts.join('\n\n'))
}

function copyLlhttp () {
  const sources = ensureLlhttpSources()
  if (sources.sources === packagedLlhttp.sources) return
  const dir = fresh(packagedLlhttp.sources)
  for (const file of ['api.c', 'http.c', 'llhttp.c']) fs.copyFileSync(path.join(sources.sources, file), path.join(dir, file))
  fs.copyFileSync(path.join(sources.include, 'llhttp.h'), path.join(dir, 'llhttp.h'))
  const copyright = path.join(sources.sources, '..', 'doc', 'node-llhttp', 'copyright')
  if (fs.existsSync(copyright)) fs.copyFileSync(copyright, path.join(dir, 'COPYRIGHT'))
}

function main () {
  ensureSystemPackages('build')
  ensureNodeModules()
  step('building (CMake, build/)')
  buildNative({ buildDir: 'build' })
  const outDir = fresh(path.join(root, 'prebuilds', platformTag))
  step(`copying and stripping the binaries into prebuilds/${platformTag}/`)
  copyBinaries(outDir)
  writeNotices(outDir)
  step('bundling the dashboard into dist/dashboard/')
  require('../client/dashboard/build.js').build({ outDir: fresh(path.join(root, 'dist', 'dashboard')) })
  step('copying the llhttp C sources into third_party/llhttp/')
  copyLlhttp()
  for (const file of fs.readdirSync(outDir)) {
    step(`  prebuilds/${platformTag}/${file}: ${(fs.statSync(path.join(outDir, file)).size / 1024).toFixed(0)} KiB`)
  }
  step('done; `npm pack` makes the tarball')
}

try {
  main()
} catch (err) {
  console.error(err.message)
  process.exit(1)
}
