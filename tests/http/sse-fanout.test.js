'use strict'
// 1,000 concurrent SSE clients each receive the same 1,000 events, every one, in order.
const test = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const { startJobwired } = require('../helpers/jobwired')
const { get, emitMany } = require('./support')

const CLIENTS = 1000
const EVENTS = 1000

// A lean SSE reader: only the ids matter here, so no JSON is parsed.
function openCounter (srv, after) {
  return new Promise((resolve, reject) => {
    const client = { ids: [], buffer: '', req: null }
    client.req = http.get(`${srv.url}/api/events/stream?after=${after}`, { agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`status ${res.statusCode}`))
      res.setEncoding('utf8')
      res.on('data', (chunk) => {
        client.buffer += chunk
        let end
        while ((end = client.buffer.indexOf('\n\n')) >= 0) {
          const frame = client.buffer.slice(0, end)
          client.buffer = client.buffer.slice(end + 2)
          if (frame.startsWith('id: ')) client.ids.push(Number(frame.slice(4, frame.indexOf('\n'))))
        }
      })
      res.on('error', () => {})
      resolve(client)
    })
    client.req.on('error', reject)
  })
}

test(`${CLIENTS} concurrent SSE clients each receive ${EVENTS} events in order`, { timeout: 110_000 }, async () => {
  const srv = await startJobwired()
  const clients = []
  try {
    const start = (await get(srv, '/healthz')).json.seq
    for (let i = 0; i < CLIENTS; i += 100) {
      clients.push(...await Promise.all(Array.from({ length: 100 }, () => openCounter(srv, start))))
    }
    const metrics = await get(srv, '/metrics')
    assert.match(metrics.body, new RegExp(`^jobwire_connections\\{transport="sse"\\} ${CLIENTS}$`, 'm'))

    const seqs = await emitMany(srv, EVENTS, { concurrency: 16 })
    const expected = [...seqs].sort((a, b) => a - b)
    const deadline = Date.now() + 90_000
    while (clients.some((c) => c.ids.length < EVENTS) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const short = clients.filter((c) => c.ids.length !== EVENTS).length
    assert.equal(short, 0, `${short} clients did not receive exactly ${EVENTS} events`)
    for (const client of clients) assert.deepEqual(client.ids, expected)

    // A thousand streams turning ready at once are served in sweeps, which /metrics counts.
    const after = (await get(srv, '/metrics')).body
    const sweeps = Number(/^jobwire_fanout_sweep_seconds_count (\d+)$/m.exec(after)[1])
    const swept = Number(/^jobwire_fanout_swept_streams_total (\d+)$/m.exec(after)[1])
    assert.ok(sweeps > 0, 'no fan-out sweep was counted')
    assert.ok(swept >= CLIENTS, `sweeps served ${swept} streams`)
    assert.match(after, /^jobwire_fanout_sweep_seconds_sum \d+\.\d+$/m)
    // Their times form a histogram: cumulative buckets, the last (+Inf) holding every sweep.
    const buckets = [...after.matchAll(/^jobwire_fanout_sweep_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm)]
    assert.ok(buckets.length > 2, 'no sweep buckets')
    assert.equal(buckets.at(-1)[1], '+Inf')
    assert.equal(Number(buckets.at(-1)[2]), sweeps)
    for (let i = 1; i < buckets.length; i++) assert.ok(Number(buckets[i][2]) >= Number(buckets[i - 1][2]), `bucket le=${buckets[i][1]} is not cumulative`)
  } finally {
    clients.forEach((c) => c.req.destroy())
    await srv.stop()
  }
})
