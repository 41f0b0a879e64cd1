'use strict'
// The jobwire desktop app: Electron's main process. Started by `npm run desktop`
// (electron/app/launch.js). The dashboard is served from the app's own scheme,
// jobwire-app://dashboard/, and only frames at that origin may use window.jobwire.
const path = require('node:path')
const { pathToFileURL } = require('node:url')
const { app, BrowserWindow, ipcMain, net, protocol, screen } = require('electron')
const { webPreferences } = require('../main')
const { startDesktop } = require('./desktop')
const { loadSettings } = require('./settings')
const { dashboardDir, resolveDashboardFile, DASHBOARD_CSP } = require('./dashboard-files')

const SCHEME = 'jobwire-app'
const DASHBOARD_URL = `${SCHEME}://dashboard/`

// JOBWIRE_USER_DATA moves the user-data folder (the store, the settings): for a portable
// install, and for tests that must not touch the real profile.
if (process.env.JOBWIRE_USER_DATA) app.setPath('userData', path.resolve(process.env.JOBWIRE_USER_DATA))

protocol.registerSchemesAsPrivileged([
  { scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
])

function serveDashboard (dir) {
  protocol.handle(SCHEME, async (request) => {
    const url = new URL(request.url)
    const file = url.host === 'dashboard' ? resolveDashboardFile(dir, url.pathname) : null
    if (!file) return new Response('not found', { status: 404 })
    const response = await net.fetch(pathToFileURL(file).toString())
    const headers = new Headers(response.headers)
    headers.set('content-security-policy', DASHBOARD_CSP)
    return new Response(response.body, { status: response.status, headers })
  })
}

function openWindow (desktop) {
  const win = new BrowserWindow({ width: 1280, height: 860, title: 'jobwire', webPreferences: webPreferences() })
  // The window shows the dashboard and nothing else: no pop-ups, no navigation away.
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }))
  win.webContents.on('will-navigate', (event, url) => {
    if (!url.startsWith(DASHBOARD_URL)) event.preventDefault()
  })
  desktop.bridge.attach(win)
  win.loadURL(`${DASHBOARD_URL}index.html`)
  return win
}

async function main () {
  await app.whenReady()
  const dir = dashboardDir()
  if (!resolveDashboardFile(dir, '/index.html')) {
    console.error(`jobwire: no dashboard in ${dir}. Build it first: npm run setup`)
    app.exit(1)
    return
  }
  serveDashboard(dir)
  const userData = app.getPath('userData')
  const settings = loadSettings({ file: path.join(userData, 'jobwire-settings.json'), argv: process.argv })
  const desktop = await startDesktop({ ipcMain, screen, dataDir: userData, dashboardUrlPrefix: DASHBOARD_URL, dashboardDir: dir, settings })
  console.log(`jobwire: store ${path.join(userData, 'jobwire.db')}${settings.demo ? ', demo producer on' : ''}`)

  openWindow(desktop)
  app.on('activate', () => { if (BrowserWindow.getAllWindows().length === 0) openWindow(desktop) })
  app.on('window-all-closed', () => app.quit())
  let closed = false
  app.on('will-quit', (event) => {
    if (closed) return
    event.preventDefault()
    desktop.close().finally(() => {
      closed = true
      app.quit()
    })
  })
}

main().catch((err) => {
  console.error(`jobwire: ${err.stack || err.message}`)
  app.exit(1)
})
