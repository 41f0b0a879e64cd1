'use strict'
// Installs the peers that need packages jobwire does not depend on (better-sqlite3), from
// scripts/bench/peers/package-lock.json, the first time a benchmark needs them. They stay
// out of the root package.json so that `npm ci` and `npm test` never compile them.
const fs = require('node:fs')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const dir = __dirname

function ensurePeers () {
  if (fs.existsSync(path.join(dir, 'node_modules', 'better-sqlite3', 'package.json'))) return
  const env = { ...process.env }
  // better-sqlite3 compiles from source where no prebuilt binary matches; a system Node
  // (Debian's nodejs) ships its headers under /usr, which spares a download of them.
  if (!env.npm_config_nodedir && fs.existsSync('/usr/include/node/node_api.h')) env.npm_config_nodedir = '/usr'
  console.log(`installing the benchmark peers (better-sqlite3) into ${path.join(dir, 'node_modules')} …`)
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const r = spawnSync(npm, ['ci', '--prefix', dir, '--no-audit', '--no-fund'], { stdio: 'inherit', env })
  if (r.status !== 0) throw new Error(`npm ci --prefix ${dir} failed (exit ${r.status})`)
}

module.exports = { ensurePeers }
