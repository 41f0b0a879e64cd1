'use strict'
// A private PostgreSQL server for a test: Debian's binaries (package postgresql), a fresh
// cluster in a temp dir, listening on 127.0.0.1 at a free port and on a unix socket in that
// dir. Never a system service. PostgreSQL refuses to run as root, so as root every server
// command runs as the unprivileged `postgres` user (runuser), in a dir that user owns.
//
//   test('…', { skip: pgSkipReason() }, async (t) => {
//     const pg = await startPgServer()
//     t.after(() => pg.stop())
//     … jobwired --store pg.url …
//     await pg.restart()   // same data, same port: clients see their connections drop
//   })
//
// Roles: the superuser `postgres` connects without a password (over the socket and over
// 127.0.0.1); any other role must give its password (scram-sha-256), so a test that needs a
// password creates a role with one.
//
// Stopping by itself: a watchdog process (pg-watchdog.js), detached from the test's process
// group, checks every 500 ms that the owner (the test process; for ctest's fixture, ctest)
// is alive. When it is gone — ended, crashed or killed with SIGKILL — the watchdog stops the
// server (immediate shutdown) and removes its dir, so no server outlives its tests by more
// than about a second. stop() removes the dir first, and the watchdog then just exits.
const fs = require('node:fs')
const os = require('node:os')
const net = require('node:net')
const path = require('node:path')
const { execFile, spawn } = require('node:child_process')
const { promisify } = require('node:util')

const run = promisify(execFile)
const START_TIMEOUT_S = 30
const SUPERUSER = 'postgres'
// Small and fast: a test cluster holds a few MB. fsync stays on, as in production.
const TEST_SETTINGS = {
  shared_buffers: '16MB',
  max_connections: '100',
  lc_messages: "'C'",
  log_min_messages: 'warning',
  log_line_prefix: "'%m [%p] '"
}
const HBA = [
  'local all postgres trust',
  'local all all scram-sha-256',
  'host all postgres 127.0.0.1/32 trust',
  'host all all 127.0.0.1/32 scram-sha-256'
].join('\n') + '\n'

class PgNotInstalled extends Error {
  constructor () {
    super('PostgreSQL is not installed (apt-get install postgresql): no pg_ctl in /usr/lib/postgresql/*/bin')
    this.code = 'PG_NOT_INSTALLED'
  }
}

// The directory of initdb, pg_ctl and postgres: $JOBWIRE_PG_BIN, else the newest Debian
// install; null when there is none.
function findPgBin () {
  if (process.env.JOBWIRE_PG_BIN) return process.env.JOBWIRE_PG_BIN
  const base = '/usr/lib/postgresql'
  let versions = []
  try { versions = fs.readdirSync(base) } catch { return null }
  const found = versions.filter((v) => fs.existsSync(path.join(base, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a))
  return found.length ? path.join(base, found[0], 'bin') : null
}

// For node:test's `skip`: why a PostgreSQL suite cannot run here, or false. Never a reason
// when JOBWIRE_PG_REQUIRED=1: there, a missing PostgreSQL fails the suite instead.
function pgSkipReason () {
  if (findPgBin() || process.env.JOBWIRE_PG_REQUIRED === '1') return false
  return 'PostgreSQL is not installed (apt-get install postgresql)'
}

function isRoot () { return typeof process.getuid === 'function' && process.getuid() === 0 }

// [command, args] running `tool` from bin as the server's user.
function asServerUser (bin, tool, args) {
  const exe = path.join(bin, tool)
  return isRoot() ? ['runuser', ['-u', SUPERUSER, '--', exe, ...args]] : [exe, args]
}

async function pgTool (bin, tool, args) {
  const [cmd, argv] = asServerUser(bin, tool, args)
  try {
    return await run(cmd, argv, { encoding: 'utf8' })
  } catch (err) {
    throw new Error(`${tool} ${args.join(' ')} failed: ${(err.stderr || err.stdout || err.message).trim()}`)
  }
}

function freePort () {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

function settingLines (settings) {
  return Object.entries(settings).map(([key, value]) => `${key} = ${value}`).join('\n') + '\n'
}

// The record stop() and the ctest fixture read back (possibly from another process).
function recordPath (dir) { return path.join(dir, 'server.json') }

function logTail (dir) {
  try { return fs.readFileSync(path.join(dir, 'postgres.log'), 'utf8').split('\n').slice(-20).join('\n') } catch { return '' }
}

async function pgCtl (record, args) {
  return pgTool(record.bin, 'pg_ctl', ['-D', record.data, ...args])
}

function startWatchdog (record, owner) {
  const child = spawn(process.execPath, [path.join(__dirname, 'pg-watchdog.js'), JSON.stringify({ ...record, owner })], {
    detached: true,
    stdio: 'ignore'
  })
  child.unref()
}

// Starts the server. `settings` (name → value as postgresql.conf takes it) override the
// test defaults; `dir` picks the folder (default: a new temp dir); `tcp: false` listens on
// the socket only; `owner` is the pid whose end stops the server (default: this process).
async function startPgServer ({ settings = {}, dir, tcp = true, owner = process.pid } = {}) {
  const bin = findPgBin()
  if (!bin) throw new PgNotInstalled()
  if (dir) fs.mkdirSync(dir, { recursive: true })
  else dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobwire-pg-'))
  if (isRoot()) {
    const { stdout } = await run('id', ['-u', SUPERUSER])
    const { stdout: gid } = await run('id', ['-g', SUPERUSER])
    fs.chownSync(dir, Number(stdout), Number(gid))
  }
  const data = path.join(dir, 'data')
  const record = { bin, dir, data, log: path.join(dir, 'postgres.log') }
  // -N: no fsync during initdb, the slowest part of it; the cluster is thrown away anyway.
  await pgTool(bin, 'initdb', ['-D', data, '-U', SUPERUSER, '-A', 'trust', '-E', 'UTF8', '--no-locale', '-N'])
  fs.writeFileSync(path.join(data, 'pg_hba.conf'), HBA)
  fs.appendFileSync(path.join(data, 'postgresql.conf'), settingLines({
    ...TEST_SETTINGS,
    listen_addresses: tcp ? "'127.0.0.1'" : "''",
    unix_socket_directories: `'${dir}'`,
    ...settings
  }))
  startWatchdog(record, owner)

  // Without TCP the port only names the socket file. With it, a port found free may be
  // taken before the server binds it: then another is tried.
  let port = 5432
  for (let attempt = 1; ; attempt++) {
    if (tcp) port = await freePort()
    fs.appendFileSync(path.join(data, 'postgresql.conf'), `port = ${port}\n`)
    try {
      await pgCtl(record, ['-l', record.log, '-w', '-t', String(START_TIMEOUT_S), 'start'])
      break
    } catch (err) {
      if (!tcp || attempt >= 3) throw new Error(`${err.message}\n--- postgres.log ---\n${logTail(dir)}`)
    }
  }
  record.port = port
  fs.writeFileSync(recordPath(dir), JSON.stringify(record))
  return handle(record, tcp)
}

function postmasterPid (record) {
  try { return Number(fs.readFileSync(path.join(record.data, 'postmaster.pid'), 'utf8').split('\n')[0]) } catch { return 0 }
}

function handle (record, tcp) {
  const { dir, port } = record
  const host = tcp ? '127.0.0.1' : dir
  return {
    dir,
    port,
    socketDir: dir,
    user: SUPERUSER,
    // libpq's key=value form and URL form of the same connection (superuser, db postgres).
    conninfo: `host=${host} port=${port} user=${SUPERUSER} dbname=postgres`,
    url: tcp ? `postgres://${SUPERUSER}@127.0.0.1:${port}/postgres` : `postgres:///postgres?host=${encodeURIComponent(dir)}&port=${port}&user=${SUPERUSER}`,
    // A fast shutdown (open connections are ended), then the data is removed.
    stop: () => stopPgServerAt(dir),
    // Stops (fast: clients' connections end with SQLSTATE 57P01), keeping the data and the
    // port: the server is unreachable until up().
    async down () {
      await pgCtl(record, ['-w', '-t', String(START_TIMEOUT_S), '-m', 'fast', 'stop']).catch(() => {})
    },
    // Starts it again after down() or kill(), on the same data and port.
    async up () {
      // After kill(), the old server's backends may hold its shared memory a moment longer.
      for (let attempt = 1; ; attempt++) {
        try {
          await pgCtl(record, ['-l', record.log, '-w', '-t', String(START_TIMEOUT_S), 'start'])
          return
        } catch (err) {
          if (attempt >= 20) throw new Error(`${err.message}\n--- postgres.log ---\n${logTail(dir)}`)
          await new Promise((resolve) => setTimeout(resolve, 250))
        }
      }
    },
    async restart () {
      await this.down()
      await this.up()
    },
    // SIGKILL to the postmaster: a crash, without a shutdown. restart() brings it back.
    kill () {
      const pid = postmasterPid(record)
      if (pid) try { process.kill(pid, 'SIGKILL') } catch {}
    }
  }
}

// Stops the server whose dir is `dir` (from any process) and removes the dir; a no-op when
// there is none.
async function stopPgServerAt (dir) {
  let record
  try { record = JSON.parse(fs.readFileSync(recordPath(dir), 'utf8')) } catch {}
  if (record) {
    await pgCtl(record, ['-w', '-t', '10', '-m', 'fast', 'stop'])
      .catch(() => pgCtl(record, ['-w', '-t', '10', '-m', 'immediate', 'stop']))
      .catch(() => {})
  }
  fs.rmSync(dir, { recursive: true, force: true })
}

module.exports = { startPgServer, stopPgServerAt, findPgBin, pgSkipReason, PgNotInstalled }
