'use strict'
// The desktop app's settings: a JSON file in the user-data folder, overridden by command
// line flags. Everything is checked here; a bad file is reported, never half-applied.
//   jobwire-settings.json: { "demo": true, "serve": { "enabled": false, "host": "127.0.0.1", "port": 7700 } }
//   flags: --demo | --no-demo, --serve[=PORT], --serve-host=HOST
const fs = require('node:fs')

const DEFAULTS = Object.freeze({ demo: true, serve: Object.freeze({ enabled: false, host: '127.0.0.1', port: 7700 }) })

function checkPort (port, where) {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError(`${where}: port must be an integer from 0 to 65535`)
  return port
}

function fromFile (file) {
  if (!fs.existsSync(file)) return {}
  let parsed
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch (err) {
    throw new TypeError(`${file}: not valid JSON (${err.message})`)
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new TypeError(`${file}: must hold a JSON object`)
  const settings = {}
  if (parsed.demo !== undefined) {
    if (typeof parsed.demo !== 'boolean') throw new TypeError(`${file}: demo must be true or false`)
    settings.demo = parsed.demo
  }
  if (parsed.serve !== undefined) {
    const serve = parsed.serve
    if (serve === null || typeof serve !== 'object') throw new TypeError(`${file}: serve must be an object`)
    settings.serve = {}
    if (serve.enabled !== undefined) {
      if (typeof serve.enabled !== 'boolean') throw new TypeError(`${file}: serve.enabled must be true or false`)
      settings.serve.enabled = serve.enabled
    }
    if (serve.host !== undefined) {
      if (typeof serve.host !== 'string' || serve.host === '') throw new TypeError(`${file}: serve.host must be a host name or address`)
      settings.serve.host = serve.host
    }
    if (serve.port !== undefined) settings.serve.port = checkPort(serve.port, file)
  }
  return settings
}

function fromFlags (argv) {
  const settings = { serve: {} }
  for (const arg of argv) {
    if (arg === '--demo') settings.demo = true
    else if (arg === '--no-demo') settings.demo = false
    else if (arg === '--serve') settings.serve.enabled = true
    else if (arg.startsWith('--serve=')) {
      settings.serve.enabled = true
      settings.serve.port = checkPort(Number(arg.slice('--serve='.length)), '--serve')
    } else if (arg.startsWith('--serve-host=')) settings.serve.host = arg.slice('--serve-host='.length)
  }
  return settings
}

function loadSettings ({ file, argv = [] }) {
  const saved = fromFile(file)
  const flags = fromFlags(argv)
  return {
    demo: flags.demo ?? saved.demo ?? DEFAULTS.demo,
    serve: { ...DEFAULTS.serve, ...saved.serve, ...flags.serve },
  }
}

module.exports = { loadSettings, DEFAULTS }
