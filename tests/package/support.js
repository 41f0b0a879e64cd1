'use strict'
// What the package tests share: the repository's npm tarball, made the way a release is
// (`npm run prebuild && npm pack`), and new consumer projects in temp dirs that install it
// the way an app does. Every temp dir is removed when the test process exits.
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const root = path.resolve(__dirname, '..', '..')
const madeDirs = new Set()
process.on('exit', () => {
  for (const dir of madeDirs) fs.rmSync(dir, { recursive: true, force: true })
})

function tempDir (prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  madeDirs.add(dir)
  return dir
}

// The environment of a process outside this repository: none of the npm_* variables the
// surrounding `npm test` exports (they would point a nested npm at this checkout), and no
// override of where jobwire's binaries are.
function outsideEnv (extra = {}) {
  const env = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) && key !== 'JOBWIRE_ADDON_PATH' && key !== 'JOBWIRED_BIN' && key !== 'INIT_CWD') env[key] = value
  }
  return { ...env, ...extra }
}

// Runs a command to completion; throws with its output when it fails, unless allowFailure.
function run (cmd, args, { cwd = root, env = outsideEnv(), allowFailure = false, timeout = 15 * 60_000 } = {}) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 })
  if (!allowFailure && r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (status ${r.status}, ${r.error || 'no error'})\n` +
      `--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`)
  }
  return r
}

// `npm run prebuild`, then `npm pack`; returns { file, size, entries } for the tarball.
function packRelease () {
  run('npm', ['run', 'prebuild'], { env: outsideEnv() })
  const dest = tempDir('jobwire-pack-')
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dest]).stdout)[0]
  return { file: path.join(dest, packed.filename), size: packed.size, entries: packed.files.map((f) => f.path) }
}

// The same tarball without prebuilds/: what a platform without a matching prebuild gets.
function withoutPrebuilds (tarball) {
  const dir = tempDir('jobwire-noprebuild-')
  run('tar', ['-xzf', tarball, '-C', dir])
  fs.rmSync(path.join(dir, 'package', 'prebuilds'), { recursive: true, force: true })
  const file = path.join(dir, 'jobwire-no-prebuilds.tgz')
  run('tar', ['-czf', file, '-C', dir, 'package'])
  return file
}

// A new project with its own package.json; nothing from this repository on its module path.
// allowScripts: the approval npm 11 asks before it runs a dependency's install script
// (`npm install-scripts approve jobwire` writes the same); older npm runs it regardless.
function consumerProject (name, { allowScripts = false } = {}) {
  const dir = tempDir(`jobwire-consumer-${name}-`)
  const manifest = { name: `consumer-${name}`, version: '1.0.0', private: true }
  if (allowScripts) manifest.allowScripts = { jobwire: true }
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest))
  return dir
}

// npm install in a consumer, from npm's cache where it can (this machine's registry access
// is all it has).
function npmInstall (dir, specs, { env = outsideEnv(), allowFailure = false } = {}) {
  return run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...specs], { cwd: dir, env, allowFailure })
}

module.exports = { root, tempDir, outsideEnv, run, packRelease, withoutPrebuilds, consumerProject, npmInstall }
