'use strict'
// Headless Chromium (Debian's /usr/bin/chromium through playwright-core) with the flags
// every jobwire browser test uses, and a fresh profile folder removed on close.
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { chromium } = require('playwright-core')

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
]

function chromiumAvailable () {
  return fs.existsSync(CHROMIUM)
}

async function launchChromium () {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'jobwire-electron-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
  })
  return {
    context,
    async close () {
      await context.close().catch(() => {})
      fs.rmSync(profile, { recursive: true, force: true })
    },
  }
}

module.exports = { launchChromium, chromiumAvailable, CHROMIUM }
