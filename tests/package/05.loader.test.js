'use strict'
// How require('jobwire') and the jobwired bin find their binaries, in a package-shaped temp
// folder holding this checkout's loader: the order of the candidates, and an error that
// names every path tried and why each failed.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const { root, tempDir, outsideEnv, run } = require('./support')

const platform = `${process.platform}-${process.arch}`

// A package folder with the loader's JS and the given files ({relative path: contents}).
function fakePackage (files) {
  const dir = tempDir('jobwire-loader-')
  const copy = (rel) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true })
    fs.copyFileSync(path.join(root, rel), path.join(dir, rel))
  }
  for (const rel of ['addon/lib/binaries.js', 'addon/lib/native.js', 'scripts/bin/jobwired.js']) copy(rel)
  for (const [rel, contents] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true })
    if (typeof contents === 'string') fs.writeFileSync(path.join(dir, rel), contents, { mode: 0o755 })
    else fs.copyFileSync(contents.from, path.join(dir, rel))
  }
  return dir
}

function loadIn (dir, env = {}) {
  return run(process.execPath, ['-e', "require('./addon/lib/native.js'); console.log('loaded')"],
    { cwd: dir, env: outsideEnv(env), allowFailure: true })
}

test('with no binary anywhere, the error lists the prebuild and the local build as missing, and how to build', () => {
  const dir = fakePackage({})
  const r = loadIn(dir)
  assert.notEqual(r.status, 0)
  assert.match(r.stderr, /could not load jobwire\.node\. Tried:/)
  assert.ok(r.stderr.includes(`${path.join(dir, 'prebuilds', platform, 'jobwire.node')} (the prebuild for ${platform}): missing`), r.stderr)
  assert.ok(r.stderr.includes(`${path.join(dir, 'build', 'jobwire.node')} (a local build): missing`), r.stderr)
  assert.match(r.stderr, /npm rebuild jobwire/)
})

test('a prebuild that the loader refuses is reported with the loader\'s reason, and the local build is used', () => {
  const dir = fakePackage({
    [`prebuilds/${platform}/jobwire.node`]: 'not an ELF file',
    'build/jobwire.node': { from: path.join(root, 'build', 'jobwire.node') }
  })
  assert.equal(loadIn(dir).stdout.trim(), 'loaded')
  fs.rmSync(path.join(dir, 'build'), { recursive: true })
  const r = loadIn(dir)
  assert.ok(r.stderr.includes(`${path.join(dir, 'prebuilds', platform, 'jobwire.node')} (the prebuild for ${platform}): failed to load:`), r.stderr)
  assert.match(r.stderr, /invalid ELF header|file too short/)
})

test('JOBWIRE_ADDON_PATH, when set, is the only candidate', () => {
  const dir = fakePackage({ 'build/jobwire.node': { from: path.join(root, 'build', 'jobwire.node') } })
  const missing = path.join(dir, 'elsewhere', 'jobwire.node')
  const r = loadIn(dir, { JOBWIRE_ADDON_PATH: missing })
  assert.notEqual(r.status, 0)
  assert.ok(r.stderr.includes(`${missing} ($JOBWIRE_ADDON_PATH): missing`), r.stderr)
  assert.doesNotMatch(r.stderr, /a local build/)
  assert.equal(loadIn(dir, { JOBWIRE_ADDON_PATH: path.join(root, 'build', 'jobwire.node') }).stdout.trim(), 'loaded')
})

test('the jobwired bin runs the first binary that runs, and otherwise says what it tried', () => {
  const dir = fakePackage({
    [`prebuilds/${platform}/jobwired`]: '#!/bin/sh\necho "error while loading shared libraries: libwslay.so.1" >&2\nexit 127\n',
    'build/jobwired': { from: path.join(root, 'build', 'jobwired') }
  })
  fs.chmodSync(path.join(dir, 'build', 'jobwired'), 0o755)
  const bin = path.join(dir, 'scripts', 'bin', 'jobwired.js')
  assert.match(run(process.execPath, [bin, '--version'], { cwd: dir }).stdout, /^jobwired \d/)
  fs.rmSync(path.join(dir, 'build'), { recursive: true })
  const r = run(process.execPath, [bin, '--version'], { cwd: dir, allowFailure: true })
  assert.equal(r.status, 1)
  assert.ok(r.stderr.includes(`(the prebuild for ${platform}): failed to load: error while loading shared libraries: libwslay.so.1`), r.stderr)
  assert.ok(r.stderr.includes(`${path.join(dir, 'build', 'jobwired')} (a local build): missing`), r.stderr)
})
