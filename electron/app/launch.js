#!/usr/bin/env node
'use strict'
// `npm run desktop`: starts the desktop app with the Electron that is installed, or says
// how to install it. Electron is an optional peer dependency: `npm ci` never downloads it.
// Flags after `--` go to the app: npm run desktop -- --serve=7700 --no-demo
const { spawn } = require('node:child_process')
const path = require('node:path')

function electronBinary () {
  try {
    // Inside Node, the electron package exports the path of its binary.
    return require('electron')
  } catch {
    return null
  }
}

const binary = electronBinary()
if (typeof binary !== 'string') {
  console.error([
    'jobwire desktop needs Electron, which is not installed here (it is an optional peer',
    'dependency, so `npm ci` leaves it out on purpose).',
    '',
    'Install it next to jobwire, without saving it to package.json:',
    '    npm install --no-save electron@latest',
    'then run `npm run desktop` again. (Electron downloads its binary, ~100 MB, on install;',
    'set ELECTRON_MIRROR if your network needs a mirror.)',
  ].join('\n'))
  process.exit(1)
}

// From a checkout the app runs this checkout's build, not a prebuild left by `npm run prebuild`.
const env = { JOBWIRE_ADDON_PATH: path.join(__dirname, '..', '..', 'build', 'jobwire.node'), ...process.env }
const child = spawn(binary, [path.join(__dirname, 'main.js'), ...process.argv.slice(2)], { stdio: 'inherit', env })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
