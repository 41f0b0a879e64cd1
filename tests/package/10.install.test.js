'use strict'
// `npm install jobwire` as a new user does it: the release tarball (`npm run prebuild &&
// npm pack`) installed into a fresh project, which then uses the addon, runs `npx jobwired`
// and bundles the browser client, with nothing from this checkout on its paths.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { spawn } = require('node:child_process')

const { root, outsideEnv, run, packRelease, consumerProject, npmInstall } = require('./support')
const { foreignLibraries, sharedLibraries } = require('../../scripts/lib/elf-deps')

const platform = `${process.platform}-${process.arch}`
let release
let consumer
let installed

test.before(() => {
  release = packRelease()
  console.log(`# tarball ${path.basename(release.file)}: ${(release.size / 1024 / 1024).toFixed(2)} MiB packed, ${release.entries.length} files`)
  // The install script is allowed to run, so that it is what decides not to compile.
  consumer = consumerProject('prebuilt', { allowScripts: true })
  npmInstall(consumer, [release.file, 'react', 'swr'])
  installed = path.join(consumer, 'node_modules', 'jobwire')
})

test('the tarball holds the binaries, the JS and the dashboard, and no tests, benchmarks or CI files', () => {
  const has = (p) => release.entries.includes(p)
  for (const file of ['jobwire.node', 'jobwired', 'libwslay.so.1']) assert.ok(has(`prebuilds/${platform}/${file}`), file)
  for (const file of ['addon/lib/index.js', 'addon/lib/index.d.ts', 'client/index.js', 'client/react/index.js',
    'electron/main/index.js', 'electron/preload/index.js', 'scripts/bin/jobwired.js', 'scripts/bin/jobwire.js',
    'scripts/install.js', 'dist/dashboard/index.html', 'dist/dashboard/bundle.js', 'native-core/CMakeLists.txt']) {
    assert.ok(has(file), file)
  }
  const unwanted = release.entries.filter((p) => /^(tests|\.ci|scripts\/bench|build|node_modules)\//.test(p) || p.endsWith('.db'))
  assert.deepEqual(unwanted, [])
  // Stripped: each binary is a few MiB, not the tens an unstripped build weighs.
  for (const file of ['jobwire.node', 'jobwired']) {
    const size = fs.statSync(path.join(installed, 'prebuilds', platform, file)).size
    assert.ok(size < 8 * 1024 * 1024, `${file} is ${size} bytes`)
  }
})

test('a matching prebuild means nothing is compiled at install', () => {
  assert.ok(fs.existsSync(path.join(installed, 'prebuilds', platform, 'jobwire.node')))
  assert.equal(fs.existsSync(path.join(installed, 'build')), false, 'the install built something')
})

test('where the project has not approved install scripts (npm 11\'s default), the prebuild loads all the same', () => {
  const plain = consumerProject('unapproved')
  npmInstall(plain, [release.file])
  const r = run(process.execPath, ['-e', "require('jobwire').open({ path: 'x.db' }).then((c) => c.close()).then(() => console.log('opened'))"],
    { cwd: plain })
  assert.equal(r.stdout.trim(), 'opened')
})

test('the binaries load only the C/C++ runtime and files inside the package', () => {
  const dir = path.join(installed, 'prebuilds', platform)
  for (const file of ['jobwire.node', 'jobwired']) {
    assert.deepEqual(foreignLibraries(path.join(dir, file), dir), [], file)
    const wslay = sharedLibraries(path.join(dir, file)).find((lib) => lib.name === 'libwslay.so.1')
    assert.equal(wslay.path, path.join(dir, 'libwslay.so.1'), `${file} finds libwslay beside itself`)
  }
  // The addon's libuv, SQLite and zlib are its own: none of their symbols is exported.
  const exported = run('nm', ['-D', '--defined-only', path.join(dir, 'jobwire.node')]).stdout
  assert.doesNotMatch(exported, / (uv_|sqlite3_|deflate|inflate)\w*$/m)
  assert.match(exported, / napi_register_module_v1$/m)
})

test("require('jobwire') opens a core, moves a job, delivers its events and serves /healthz", () => {
  const script = `
    const jobwire = require('jobwire')
    ;(async () => {
      const core = await jobwire.open({ path: 'consumer.db' })
      const events = []
      const stop = core.subscribe((batch) => events.push(...batch), { after: 0 })
      const job = await core.createJob({ type: 'build' })
      await core.setStatus(job.id, 'running')
      await core.setStatus(job.id, 'completed')
      const deadline = Date.now() + 10000
      while (events.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
      const server = await core.serve({ port: 0 })
      const health = await fetch('http://127.0.0.1:' + server.port + '/healthz')
      const out = { resolved: require.resolve('jobwire'), types: events.map((e) => e.type), status: (await core.getJob(job.id)).status,
        health: health.status, body: await health.json() }
      stop(); await server.close(); await core.close()
      console.log(JSON.stringify(out))
    })().catch((err) => { console.error(err); process.exit(1) })`
  fs.writeFileSync(path.join(consumer, 'use-addon.js'), script)
  const out = JSON.parse(run(process.execPath, ['use-addon.js'], { cwd: consumer }).stdout)
  assert.equal(out.resolved, path.join(installed, 'addon', 'lib', 'index.js'))
  assert.deepEqual(out.types, ['job.created', 'job.status', 'job.status'])
  assert.equal(out.status, 'completed')
  assert.equal(out.health, 200)
  assert.equal(out.body.seq, 3)
})

// Starts jobwired through `command` in the consumer; resolves its "listening" line, the
// child, a promise of its exit and a getter of everything it printed.
async function startServer (command, args, { detached = false } = {}) {
  const child = spawn(command, [...args, '--port', '0', '--json'],
    { cwd: consumer, env: outsideEnv({ JOBWIRE_TOKEN: 'package-test-token' }), stdio: ['ignore', 'pipe', 'pipe'], detached })
  let output = ''
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))
  // Every process of the group writes to the same pipe: it closes when the last one is gone.
  const closed = new Promise((resolve) => child.stdout.on('close', resolve))
  const listening = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`jobwired did not start:\n${output}`)), 30_000)
    const onData = (chunk) => {
      output += chunk
      const line = output.split('\n').find((l) => l.includes('"listening"'))
      if (line) { clearTimeout(timer); resolve(JSON.parse(line)) }
    }
    child.stdout.setEncoding('utf8').on('data', onData)
    child.stderr.setEncoding('utf8').on('data', onData)
    exited.then(() => reject(new Error(`jobwired exited:\n${output}`)))
  })
  return { child, listening, exited, closed, output: () => output }
}

test('npx jobwired starts on port 0, serves the bundled dashboard at / and stops on SIGTERM', async () => {
  // Its own process group, stopped the way a terminal or a service manager stops it: npx
  // itself does not pass SIGTERM on to the command it runs.
  const server = await startServer('npx', ['--no-install', 'jobwired', '--db', 'served.db'], { detached: true })
  const { listening } = server
  assert.ok(listening.port > 0)
  assert.equal(listening.dashboard, path.join(installed, 'dist', 'dashboard'))
  const page = await fetch(`${listening.url}/`)
  assert.equal(page.status, 200)
  assert.match(await page.text(), /bundle\.js/)
  assert.equal((await fetch(`${listening.url}/bundle.js`)).status, 200)
  process.kill(-server.child.pid, 'SIGTERM')
  await server.closed
  assert.match(server.output(), /"event":"stopping","signal":"SIGTERM"/)
  assert.match(server.output(), /"stopped"/)
})

test('the jobwired bin passes SIGTERM on to the server, which stops cleanly', async () => {
  const server = await startServer(path.join(consumer, 'node_modules', '.bin', 'jobwired'), ['--db', 'bin.db'])
  server.child.kill('SIGTERM')
  const end = await server.exited
  assert.equal(end.code, 0, server.output())
  assert.match(server.output(), /"stopped"/)
  await assert.rejects(fetch(`${server.listening.url}/healthz`))
})

test('jobwire/client and jobwire/client/react resolve for a bundler', async () => {
  fs.writeFileSync(path.join(consumer, 'app.mjs'),
    "import { createClient } from 'jobwire/client'; import { useJobs } from 'jobwire/client/react'; console.log(createClient, useJobs)\n")
  const esbuild = require(path.join(root, 'node_modules', 'esbuild'))
  const result = await esbuild.build({
    absWorkingDir: consumer,
    entryPoints: ['app.mjs'],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    logLevel: 'silent'
  })
  assert.deepEqual(result.errors, [])
  const inputs = Object.keys(result.metafile.inputs)
  assert.ok(inputs.includes('node_modules/jobwire/client/index.js'), inputs.join('\n'))
  assert.ok(inputs.includes('node_modules/jobwire/client/react/index.js'), inputs.join('\n'))
  assert.ok(inputs.some((p) => p.startsWith('node_modules/swr/')), 'swr comes from the consumer')
})
