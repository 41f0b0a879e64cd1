'use strict'
// One load process of the SSE fan-out benchmark (forked by http-fanout.js). Opens `count`
// SSE connections over raw sockets, counts the frames each receives, and on every
// `sampleEvery`-th connection reads the producer's send time out of each event to measure
// delivery latency. Talks to its parent over IPC: 'ready', then {received, latencies}.
const net = require('node:net')
const { performance } = require('node:perf_hooks')

const [url, countText, sampleText, path] = process.argv.slice(2)
const { hostname, port } = new URL(url)
const count = Number(countText)
const sampleEvery = Number(sampleText)
const now = () => performance.timeOrigin + performance.now()

let received = 0
let latencies = []
let open = 0
const FRAME_MARK = Buffer.from('\ndata:')
const TIME_MARK = '"t":'

function connect (index) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname)
    const sampled = index % sampleEvery === 0
    let headersDone = false
    let carry = ''
    socket.on('connect', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nAccept: text/event-stream\r\n\r\n`))
    socket.on('data', (chunk) => {
      if (!headersDone) {
        headersDone = true
        open++
        resolve()
      }
      // Frames are counted by their "\ndata:" line (both servers write one per frame); a mark split across chunks is rare and
      // only undercounts, never overcounts.
      for (let at = chunk.indexOf(FRAME_MARK); at >= 0; at = chunk.indexOf(FRAME_MARK, at + 5)) received++
      if (sampled) {
        // Only whole frames are read; the tail waits for the next chunk.
        const text = carry + chunk.toString('latin1')
        const whole = text.lastIndexOf('\n\n')
        if (whole < 0) { carry = text; return }
        const arrived = now()
        for (let at = text.indexOf(TIME_MARK); at >= 0 && at < whole; at = text.indexOf(TIME_MARK, at + 4)) {
          latencies.push(arrived - parseFloat(text.slice(at + TIME_MARK.length, at + TIME_MARK.length + 24)))
        }
        carry = text.slice(whole + 2)
      }
    })
    socket.on('error', (err) => (headersDone ? undefined : reject(err)))
    socket.on('close', () => { if (headersDone) open-- })
  })
}

async function main () {
  for (let i = 0; i < count; i += 200) {
    await Promise.all(Array.from({ length: Math.min(200, count - i) }, (_, k) => connect(i + k)))
  }
  process.send({ type: 'ready', open })
  process.on('message', (message) => {
    if (message === 'reset') { received = 0; latencies = [] }
    if (message === 'report') process.send({ type: 'report', received, latencies, open })
    if (message === 'exit') process.exit(0)
  })
}

main().catch((err) => { process.send({ type: 'error', message: String(err.stack || err) }); process.exit(1) })
