'use strict'
// The desktop app without the Electron binary: the app's real main-process composition
// (electron/app/desktop.js: core on SQLite, bridge, demo producer) on the stand-in ipcMain,
// and its windows as headless Chromium pages running the real preload and the real
// dashboard bundle. The dashboard is served, with the app's Content-Security-Policy, from a
// loopback origin that plays the part of the app's jobwire-app:// scheme.
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { startDesktop } = require('../../../electron/app/desktop')
const { DASHBOARD_CSP } = require('../../../electron/app/dashboard-files')
const { StandInIpcMain } = require('./ipc-standin')
const { ChromiumWindow } = require('./chromium-window')
const { launchChromium } = require('./chromium')
const { serveFolder } = require('./static-server')
const { root } = require('./open-core')

// The dashboard bundle: JOBWIRE_DASHBOARD_DIR (as for the app), the one set-up built, else a
// fresh build into a temporary folder.
function dashboardFolder (t) {
  const built = path.resolve(process.env.JOBWIRE_DASHBOARD_DIR || path.join(root, 'build', 'dashboard'))
  if (fs.existsSync(path.join(built, 'bundle.js'))) return built
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobwire-dashboard-'))
  t.after(() => fs.rmSync(outDir, { recursive: true, force: true }))
  require(path.join(root, 'client', 'dashboard', 'build.js')).build({ outDir })
  return outDir
}

async function startDesktopHarness (t, { demoOptions } = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobwire-desktop-'))
  t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }))
  const dashboard = dashboardFolder(t)
  const site = await serveFolder(dashboard, { headers: { 'content-security-policy': DASHBOARD_CSP } })
  t.after(() => site.close())
  const ipcMain = new StandInIpcMain()
  const desktop = await startDesktop({
    ipcMain,
    dataDir,
    dashboardUrlPrefix: site.url,
    settings: { demo: true, serve: { enabled: false } },
    demoOptions,
    log: () => {},
  })
  t.after(() => desktop.close())
  const browser = await launchChromium()
  t.after(() => browser.close())

  async function openWindow (url = `${site.url}index.html`) {
    const win = await ChromiumWindow.open({ browser, ipcMain })
    desktop.bridge.attach(win.webContents)
    await win.load(url)
    return win
  }

  return { desktop, site, dashboard, ipcMain, openWindow }
}

module.exports = { startDesktopHarness }
