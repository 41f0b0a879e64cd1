'use strict'
// What the browser-traffic benchmarks share: headless Chromium as this machine runs it, and
// a TCP relay to jobwired that counts every byte both ways (headers, framing, bodies).
const net = require('node:net')

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']

// A TCP relay to jobwired that counts the bytes both ways; reset() starts a new window.
function byteRelay (targetPort) {
  const counts = { bytes: 0 }
  const sockets = new Set()
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1')
    sockets.add(client); sockets.add(upstream)
    client.on('data', (chunk) => { counts.bytes += chunk.length })
    upstream.on('data', (chunk) => { counts.bytes += chunk.length })
    client.pipe(upstream); upstream.pipe(client)
    const end = () => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream) }
    client.on('error', end); upstream.on('error', end); client.on('close', end); upstream.on('close', end)
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}`,
    counts,
    reset () { counts.bytes = 0 },
    close () { for (const s of sockets) s.destroy(); server.close() }
  })))
}

module.exports = { CHROMIUM, FLAGS, byteRelay }
