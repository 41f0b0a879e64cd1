'use strict'
// core.serve(options): the HTTP engine (REST, polling, SSE, WebSocket, write API) over this
// core, on its own loop thread. Resolves with { port, host, token, close() }; while it
// listens it keeps the process alive, like a net.Server.
const crypto = require('node:crypto')

async function serve (native, NativeServer, options) {
  const token = options.token ?? process.env.JOBWIRE_TOKEN ?? crypto.randomBytes(24).toString('base64url')
  const server = new NativeServer()
  const port = await server.start(native, { ...options, token })
  let closing = null
  return {
    port,
    host: options.host,
    token,
    close () {
      closing ??= server.stop()
      return closing
    },
  }
}

module.exports = { serve }
