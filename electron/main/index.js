'use strict'
// jobwire/electron: attach a jobwire Core to an Electron app's windows.
//
//   const { createBridge, webPreferences } = require('jobwire/electron')
//   const bridge = await createBridge({ core, ipcMain, screen, allow: [dashboardUrlPrefix] })
//   const win = new BrowserWindow({ webPreferences: webPreferences() })
//   bridge.attach(win)
//
// The renderer then sees window.jobwire (electron/preload) and nothing else of Node.

const path = require('node:path')
const { createBridge } = require('./bridge')
const { CHANNELS } = require('./channels')
const { DEFAULT_POLLING } = require('./query-router')
const { version } = require('../../package.json')

const preloadPath = path.join(__dirname, '..', 'preload', 'index.js')

// The webPreferences every jobwire window gets: isolated, sandboxed, no Node in the page.
// The version reaches the sandboxed preload as an argument, since it cannot read files.
function webPreferences (extra = {}) {
  return {
    ...extra,
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    additionalArguments: [...(extra.additionalArguments ?? []), `--jobwire-version=${version}`],
  }
}

module.exports = { createBridge, webPreferences, preloadPath, CHANNELS, DEFAULT_POLLING, version }
