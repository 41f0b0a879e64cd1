'use strict'
// A platform with no matching prebuild: the same tarball without prebuilds/. With the
// tools there, the install builds jobwire from source inside the consumer's node_modules;
// without them it fails with one message naming what to install.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const { outsideEnv, run, packRelease, withoutPrebuilds, consumerProject, npmInstall, tempDir } = require('./support')

let tarball

test.before(() => {
  tarball = withoutPrebuilds(packRelease().file)
})

test('without a prebuild, the install builds the addon and jobwired from source', () => {
  const consumer = consumerProject('source', { allowScripts: true })
  const started = Date.now()
  npmInstall(consumer, [tarball])
  console.log(`# build from source at install: ${((Date.now() - started) / 1000).toFixed(0)} s`)
  const installed = path.join(consumer, 'node_modules', 'jobwire')
  assert.equal(fs.existsSync(path.join(installed, 'prebuilds')), false)
  for (const file of ['jobwire.node', 'jobwired']) assert.ok(fs.existsSync(path.join(installed, 'build', file)), file)
  // Neither tests nor benchmarks were built: the package carries neither.
  assert.equal(fs.existsSync(path.join(installed, 'build', 'tests')), false)
  assert.equal(fs.existsSync(path.join(installed, 'build', 'bench_core')), false)

  fs.writeFileSync(path.join(consumer, 'use.js'), `
    const jobwire = require('jobwire')
    ;(async () => {
      const core = await jobwire.open({ path: 'source.db' })
      const job = await core.createJob({ type: 'build' })
      await core.setStatus(job.id, 'running')
      console.log(JSON.stringify((await core.eventsAfter(0)).events.map((e) => e.type)))
      await core.close()
    })().catch((err) => { console.error(err); process.exit(1) })`)
  assert.deepEqual(JSON.parse(run(process.execPath, ['use.js'], { cwd: consumer }).stdout), ['job.created', 'job.status'])
  assert.match(run('npx', ['--no-install', 'jobwired', '--version'], { cwd: consumer }).stdout, /^jobwired \d/)
})

test('without a prebuild or the tools to build one, the install fails with one message naming them', () => {
  // A PATH that has everything npm and the build need except cmake.
  const bin = tempDir('jobwire-path-')
  for (const tool of ['node', 'sh', 'env', 'dpkg-query', 'c++', 'make', 'pkg-config']) {
    const found = run('sh', ['-c', `command -v ${tool}`]).stdout.trim()
    fs.symlinkSync(found, path.join(bin, tool))
  }
  const consumer = consumerProject('no-tools', { allowScripts: true })
  const npmCli = run('sh', ['-c', 'readlink -f "$(command -v npm)"']).stdout.trim()
  const r = run(process.execPath, [npmCli, 'install', '--prefer-offline', '--no-audit', '--no-fund', tarball],
    { cwd: consumer, env: outsideEnv({ PATH: bin }), allowFailure: true })
  const output = r.stdout + r.stderr
  assert.notEqual(r.status, 0, output)
  assert.match(output, /no prebuild for \S+ in the package, so it must be built from source/)
  assert.match(output, /tools not found on PATH: cmake\n/)
  assert.match(output, /sudo apt-get install -y cmake\b/)
  assert.match(output, /then run: npm rebuild jobwire/)
  // Said once, not once per missing piece.
  assert.equal(output.split('must be built from source').length - 1, 1, output)
  assert.equal(fs.existsSync(path.join(consumer, 'node_modules', 'jobwire', 'build', 'jobwire.node')), false)
})
