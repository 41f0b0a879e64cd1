'use strict'
// jobwired restarted mid-stream (SIGTERM, then started again on the same database and
// port) while a producer writes: an SSE, a WebSocket and a long-poll client each reconnect
// from their cursor and end with exactly the server's log, nothing lost or repeated.
const test = require('node:test')
const assert = require('node:assert/strict')
const { startJobwired } = require('../helpers/jobwired')
const { get, post, openSse, openWs, sleep } = require('./support')

// Keeps a transport following the log across disconnects; `seqs` is everything received.
function follow (connect) {
  const state = { seqs: [], stopped: false, reconnects: 0 }
  state.done = (async () => {
    while (!state.stopped) {
      try {
        await connect(state)
      } catch {}
      if (!state.stopped) { state.reconnects++; await sleep(50) }
    }
  })()
  return state
}

const last = (state, start) => (state.seqs.length ? state.seqs[state.seqs.length - 1] : start)

function followSse (srvRef, start) {
  return follow(async (state) => {
    const sse = await openSse(srvRef.current, '/api/events/stream', { headers: { 'last-event-id': String(last(state, start)) } })
    if (sse.status !== 200) throw new Error(`sse ${sse.status}`)
    let seen = 0
    await new Promise((resolve) => {
      const tick = () => {
        for (; seen < sse.events.length; seen++) state.seqs.push(sse.events[seen].seq)
        if (sse.ended || state.stopped) { sse.close(); resolve() }
      }
      sse.waiters.push(tick)
      const timer = setInterval(() => { tick(); if (sse.ended || state.stopped) clearInterval(timer) }, 50)
    })
  })
}

function followWs (srvRef, start) {
  return follow(async (state) => {
    const ws = await openWs(srvRef.current, `/ws?after=${last(state, start)}`)
    let seen = 0
    await new Promise((resolve) => {
      const tick = () => {
        for (; seen < ws.events.length; seen++) state.seqs.push(ws.events[seen].seq)
        if (ws.closed !== null || state.stopped) { ws.close(); resolve() }
      }
      ws.waiters.push(tick)
      const timer = setInterval(() => { tick(); if (ws.closed !== null || state.stopped) clearInterval(timer) }, 50)
    })
  })
}

function followLongPoll (srvRef, start) {
  return follow(async (state) => {
    while (!state.stopped) {
      const res = await get(srvRef.current, `/api/events?after=${last(state, start)}&wait=1&limit=500`)
      if (res.status !== 200) throw new Error(`poll ${res.status}`)
      for (const e of res.json.events) state.seqs.push(e.seq)
    }
  })
}

test('a restart mid-stream loses and repeats nothing for SSE, WebSocket and long-poll clients', async () => {
  const srvRef = { current: await startJobwired() }
  try {
    const start = (await get(srvRef.current, '/healthz')).json.seq
    const followers = { sse: followSse(srvRef, start), ws: followWs(srvRef, start), poll: followLongPoll(srvRef, start) }

    // A producer that keeps writing and retries through the restart.
    const acked = []
    let producing = true
    const producer = (async () => {
      for (let i = 0; producing; i++) {
        try {
          const res = await post(srvRef.current, '/api/events', { type: 'x.seq', data: { i } })
          if (res.status === 201) acked.push(res.json.seq)
        } catch { await sleep(20) }
      }
    })()

    await sleep(700)
    const exit = await srvRef.current.stop()
    assert.equal(exit.code, 0, 'SIGTERM exits 0')
    await sleep(200)
    srvRef.current = await srvRef.current.restart()
    await sleep(700)
    producing = false
    await producer

    const log = []
    for (let after = start; ;) {
      const page = await get(srvRef.current, `/api/events?after=${after}&limit=1000`)
      log.push(...page.json.events.map((e) => e.seq))
      if (page.json.events.length === 0) break
      after = page.json.next
    }
    assert.ok(acked.length > 20, `the producer wrote through the test (${acked.length})`)
    for (const seq of acked) assert.ok(log.includes(seq), `acknowledged seq ${seq} is in the log`)

    for (const [name, state] of Object.entries(followers)) {
      for (let i = 0; i < 100 && state.seqs.length < log.length; i++) await sleep(50)
      state.stopped = true
    }
    await Promise.all(Object.values(followers).map((s) => s.done))
    for (const [name, state] of Object.entries(followers)) {
      assert.ok(state.reconnects >= 1, `${name} reconnected`)
      assert.deepEqual(state.seqs, log, `${name} received exactly the log`)
    }
  } finally {
    await srvRef.current.stop()
  }
})
