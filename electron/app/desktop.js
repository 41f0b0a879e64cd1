'use strict'
// What the desktop app runs in Electron's main process, without the Electron-specific
// parts (windows, protocol, app lifecycle), so the test harness runs exactly this too:
// the core on SQLite in the user-data folder, the bridge for the dashboard's windows, the
// demo producer and the optional HTTP server for a second client.
const fs = require('node:fs')
const path = require('node:path')
const { createBridge } = require('../main')
const { startDemoProducer } = require('./demo-producer')

const root = path.resolve(__dirname, '..', '..')

// ipcMain: Electron's (or the harness's stand-in); screen: Electron's, for each window's frame. dataDir: where jobwire.db lives.
// dashboardUrlPrefix: the only URLs whose frames may use the bridge. dashboardDir: the
// bundle the HTTP server (when enabled) serves at / to a second client.
async function startDesktop ({ ipcMain, screen, dataDir, dashboardUrlPrefix, dashboardDir, settings, demoOptions, log = console.log }) {
  const jobwire = require(root)
  fs.mkdirSync(dataDir, { recursive: true })
  const core = await jobwire.open({ path: path.join(dataDir, 'jobwire.db') })
  let bridge = null
  let producer = null
  let server = null
  try {
    bridge = await createBridge({ core, ipcMain, screen, allow: [dashboardUrlPrefix], writes: true })
    if (settings.demo) producer = startDemoProducer(core, demoOptions)
    if (settings.serve.enabled) {
      server = await core.serve({ host: settings.serve.host, port: settings.serve.port, staticDir: dashboardDir })
      log(`jobwire: serving http://${settings.serve.host}:${server.port}/ (write token: ${server.token})`)
    }
  } catch (err) {
    await producer?.stop()
    await bridge?.close()
    await core.close()
    throw err
  }

  let closing = null
  return {
    core,
    bridge,
    server,
    close () {
      closing ??= (async () => {
        await producer?.stop()
        await bridge.close()
        await server?.close()
        await core.close()
      })()
      return closing
    },
  }
}

module.exports = { startDesktop }
