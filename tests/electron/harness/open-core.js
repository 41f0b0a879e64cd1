'use strict'
// Opens a real jobwire core (the addon, `require('jobwire')`) on a SQLite file in a fresh
// temporary folder, closed and removed when the test ends.
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const root = path.resolve(__dirname, '..', '..', '..')

async function openCore (t, options = {}) {
  const jobwire = require(root)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobwire-electron-'))
  const core = await jobwire.open({ path: path.join(dir, 'jobwire.db'), ...options })
  t.after(async () => {
    await core.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })
  return core
}

module.exports = { openCore, root }
