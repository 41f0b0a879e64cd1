'use strict'
// `npm run desktop` and the desktop app's settings, without Electron: the launcher tells a
// user without Electron how to get it, and the settings file and flags combine as documented.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const { root } = require('./harness/open-core')
const { loadSettings } = require('../../electron/app/settings')

function electronInstalled () {
  try {
    require.resolve('electron')
    return true
  } catch {
    return false
  }
}

test('npm run desktop without Electron says how to install it and exits with an error', { skip: electronInstalled() && 'Electron is installed here' }, () => {
  const run = spawnSync(process.execPath, [path.join(root, 'electron', 'app', 'launch.js')], { encoding: 'utf8', timeout: 20_000 })
  assert.equal(run.status, 1)
  assert.match(run.stderr, /needs Electron, which is not installed/)
  assert.match(run.stderr, /npm install --no-save electron/)
})

test('package.json keeps electron an optional peer, out of dependencies, so npm ci never downloads it', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
  assert.equal(pkg.dependencies?.electron, undefined)
  assert.equal(pkg.devDependencies?.electron, undefined)
  assert.ok(pkg.peerDependencies?.electron)
  assert.equal(pkg.peerDependenciesMeta?.electron?.optional, true)
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'))
  assert.equal(lock.packages?.['node_modules/electron'], undefined, 'the lockfile installs no electron')
  assert.equal(pkg.scripts.desktop, 'node electron/app/launch.js')
})

function settingsFile (t, content) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobwire-settings-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  const file = path.join(dir, 'jobwire-settings.json')
  if (content !== undefined) fs.writeFileSync(file, content)
  return file
}

test('settings: defaults run the demo producer and serve no HTTP', (t) => {
  assert.deepEqual(loadSettings({ file: settingsFile(t) }), { demo: true, serve: { enabled: false, host: '127.0.0.1', port: 7700 } })
})

test('settings: the file turns HTTP on, and flags win over the file', (t) => {
  const file = settingsFile(t, JSON.stringify({ demo: false, serve: { enabled: true, port: 7801 } }))
  assert.deepEqual(loadSettings({ file }), { demo: false, serve: { enabled: true, host: '127.0.0.1', port: 7801 } })
  assert.deepEqual(loadSettings({ file, argv: ['--demo', '--serve=7900'] }), { demo: true, serve: { enabled: true, host: '127.0.0.1', port: 7900 } })
})

test('settings: a malformed file or flag is refused with the reason, not half-applied', (t) => {
  assert.throws(() => loadSettings({ file: settingsFile(t, '{not json') }), /not valid JSON/)
  assert.throws(() => loadSettings({ file: settingsFile(t, '{"demo":"yes"}') }), /demo must be true or false/)
  assert.throws(() => loadSettings({ file: settingsFile(t, '{"serve":{"port":70000}}') }), /port must be an integer/)
  assert.throws(() => loadSettings({ file: settingsFile(t), argv: ['--serve=http'] }), /port must be an integer/)
})
