'use strict'
// jobwired --threads 2: connections are shared out between two loop threads, /metrics sums
// both, and a write served on either loop reaches every stream and long-poll on both.
const test = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const { startJobwired, jobwiredBin } = require('../helpers/jobwired')
const { get, post, openSse, openWs } = require('./support')

let srv
test.before(async () => { srv = await startJobwired({ args: ['--threads', '2'] }) })
test.after(() => srv && srv.stop())

async function metrics () {
  const text = (await get(srv, '/metrics')).body
  const value = (series) => {
    const match = new RegExp(`^${series.replace(/[{}"]/g, '\\$&')} (\\d+)$`, 'm').exec(text)
    return match ? Number(match[1]) : -1
  }
  return { value, byLoop: [value('jobwire_loop_connections{loop="0"}'), value('jobwire_loop_connections{loop="1"}')] }
}

test('streams and long-polls on both loops all receive one write', async (t) => {
  const head = (await get(srv, '/healthz')).json.seq
  const streams = await Promise.all([1, 2, 3, 4].map(() => openSse(srv, `/api/events/stream?after=${head}`)))
  t.after(() => streams.forEach((s) => s.close()))
  const ws = await openWs(srv)
  t.after(() => ws.close())
  await Promise.all(streams.map((s) => s.waitForFrame((f) => f.event === 'hello')))
  await ws.waitForMessage((m) => m.type === 'hello')
  const polls = [1, 2].map(() => get(srv, `/api/events?after=${head}&wait=30`))
  // Every connection is open on one loop or the other, and the loops share them evenly.
  let seen
  for (let i = 0; i < 40; i++) {
    seen = await metrics()
    if (seen.value('jobwire_connections{transport="longpoll"}') === 2) break
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  assert.equal(seen.value('jobwire_connections{transport="sse"}'), 4)
  assert.equal(seen.value('jobwire_connections{transport="ws"}'), 1)
  assert.equal(seen.value('jobwire_connections{transport="longpoll"}'), 2)
  const [first, second] = seen.byLoop
  assert.ok(first >= 3 && second >= 3 && Math.abs(first - second) <= 1, `by loop: ${seen.byLoop}`)

  const written = await post(srv, '/api/events', { type: 'x.ping', data: {} })
  assert.equal(written.status, 201)
  await Promise.all(streams.map((s) => s.waitFor(1)))
  for (const s of streams) assert.equal(s.events[0].seq, written.json.seq)
  await ws.waitFor(1)
  assert.equal(ws.events[0].seq, written.json.seq)
  for (const poll of await Promise.all(polls)) {
    assert.equal(poll.status, 200)
    assert.equal(poll.json.events[0].seq, written.json.seq)
  }
})

test('--threads must be 1..256', () => {
  for (const bad of ['0', '257', 'two']) {
    const refused = spawnSync(jobwiredBin(), ['--threads', bad], { encoding: 'utf8' })
    assert.equal(refused.status, 2)
    assert.match(refused.stderr, /--threads: must be 1\.\.256/)
  }
})
