'use strict'
// The test PostgreSQL server helper (tests/helpers/pg-server.js) that the PostgreSQL store's
// suites stand on: restart keeps data and port, kill is a crash restart recovers from, stop
// cleans up, and a server whose owner dies stops by itself.
const test = require('node:test')
const assert = require('node:assert')
const fs = require('node:fs')
const path = require('node:path')
const { execFileSync, spawn } = require('node:child_process')
const { startPgServer, findPgBin, pgSkipReason } = require('../helpers/pg-server')

const skip = pgSkipReason()

function psql (url, sql) {
  return execFileSync(path.join(findPgBin(), 'psql'), [url, '-Atc', sql], { encoding: 'utf8' }).trim()
}

async function waitFor (check, ms) {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (check()) return true
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return check()
}

test('restart keeps data and port, and recovers from kill; stop removes the server', { skip }, async () => {
  const pg = await startPgServer({ settings: { max_connections: '50' } })
  try {
    assert.strictEqual(psql(pg.url, 'SHOW max_connections'), '50')
    psql(pg.url, 'CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)')
    await pg.restart()
    assert.strictEqual(psql(pg.url, 'SELECT x FROM kept'), '42')
    pg.kill()
    await pg.restart()
    assert.strictEqual(psql(`postgres://postgres@127.0.0.1:${pg.port}/postgres`, 'SELECT x FROM kept'), '42')
  } finally {
    await pg.stop()
  }
  assert.strictEqual(fs.existsSync(pg.dir), false)
})

test('a server stops by itself soon after its owner is killed', { skip }, async () => {
  const owner = spawn(process.execPath, ['-e', `
    require(${JSON.stringify(path.join(__dirname, '..', 'helpers', 'pg-server.js'))}).startPgServer()
      .then((pg) => { console.log(JSON.stringify({ dir: pg.dir, url: pg.url })); setInterval(() => {}, 1000) })`],
  { stdio: ['ignore', 'pipe', 'inherit'] })
  const line = await new Promise((resolve, reject) => {
    owner.stdout.setEncoding('utf8').once('data', resolve)
    owner.once('exit', (code) => reject(new Error(`the owner exited (${code}) before starting a server`)))
  })
  const { dir, url } = JSON.parse(line)
  assert.strictEqual(psql(url, 'SELECT 1'), '1')
  const pid = Number(fs.readFileSync(path.join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0])
  owner.kill('SIGKILL')
  const alive = () => { try { process.kill(pid, 0); return true } catch { return false } }
  assert.ok(await waitFor(() => !alive() && !fs.existsSync(dir), 15_000), 'the server outlived its owner')
})
