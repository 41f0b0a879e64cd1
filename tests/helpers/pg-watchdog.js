'use strict'
// Stops a test PostgreSQL server (pg-server.js) once the process that owns it is gone, even
// when that process was killed and could clean nothing up. Runs detached, in its own process
// group, so a signal to the test's group leaves it to do its work.
//   node pg-watchdog.js '{"owner":123,"dir":…,"data":…,"bin":…}'
const fs = require('node:fs')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const { owner, dir, data, bin } = JSON.parse(process.argv[2])
const CHECK_MS = 500

// A pid that no longer exists, or a zombie its parent has not reaped yet, is gone.
function alive (pid) {
  try {
    process.kill(pid, 0)
  } catch (err) {
    return err.code === 'EPERM'
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

const timer = setInterval(() => {
  if (!fs.existsSync(dir)) process.exit(0) // stopped the normal way
  if (alive(owner)) return
  clearInterval(timer)
  const exe = path.join(bin, 'pg_ctl')
  const args = ['-D', data, '-w', '-t', '10', '-m', 'immediate', 'stop']
  const root = typeof process.getuid === 'function' && process.getuid() === 0
  if (root) spawnSync('runuser', ['-u', 'postgres', '--', exe, ...args], { stdio: 'ignore' })
  else spawnSync(exe, args, { stdio: 'ignore' })
  fs.rmSync(dir, { recursive: true, force: true })
}, CHECK_MS)
