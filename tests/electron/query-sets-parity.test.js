'use strict'
// jobwire:query answers ids=, fields= and /api/files?since_seq= as jobwired's HTTP routes do:
// the same JSON for the same core, and the same status and error code for what they refuse
// (the 400s, and the 410 reset of a cursor behind retention). Both read one real core.
const test = require('node:test')
const assert = require('node:assert/strict')
const { bridgeFixture, serveOrSkip, waitFor } = require('./harness/bridge-fixture')

test('query and HTTP answer ids=, fields= and /api/files alike, and refuse the same input alike', async (t) => {
  const { core, openWindow } = await bridgeFixture(t, {}, { retentionEvents: 5 })
  const server = await serveOrSkip(t, core)
  if (!server) return
  const turn = await core.createJob({ type: 'turn', project: 'docs' })
  const tool = await core.createJob({ type: 'tool', project: 'docs', parent: turn.id })
  await core.registerFile(tool.id, { path: 'plan.md', change: 'created' })
  await core.setStatus(tool.id, 'cancelled')
  await core.registerFile(turn.id, { path: 'plan.md', change: 'created' })
  await core.registerFile(turn.id, { path: 'notes.md', change: 'created' })
  const since = core.logInfo().oldest - 1
  const { jobwire } = openWindow().window

  const paths = [
    `/api/jobs?ids=${tool.id},${turn.id}`,
    `/api/jobs?ids=${turn.id},j_none,${turn.id}`,
    `/api/jobs?ids=${turn.id},${tool.id}&fields=status,progress_percent,updated_seq,log_lines`,
    `/api/jobs?fields=status&type=tool`,
    `/api/files?project=docs&since_seq=${since}`,
    `/api/files?project=nobody&since_seq=${since}`
  ]
  for (const path of paths) {
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`)
    assert.equal(response.status, 200, `HTTP ${path}`)
    assert.deepEqual(await jobwire.query(path), await response.json(), `query ${path}`)
  }

  // Push the start of the log past seq 1, so since_seq=1 is behind retention.
  for (let i = 0; core.logInfo().oldest <= 2; i++) {
    await core.emit('x.tick', { data: { i } })
    if (i > 500) await waitFor(() => core.logInfo().oldest > 2, { what: 'retention to prune' })
  }
  const many = Array.from({ length: 101 }, (_, i) => `j_${i}`).join(',')
  const refused = [
    `/api/jobs?ids=${many}`, '/api/jobs?ids=', '/api/jobs?ids=a&status=running', '/api/jobs?ids=a&fields=secret',
    '/api/jobs?fields=summary', '/api/jobs?ids=a&fields=', '/api/files', '/api/files?project=docs&since_seq=-1',
    '/api/files?project=docs&since_seq=1', '/api/files?project=docs&since_seq=999999'
  ]
  for (const path of refused) {
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`)
    const { error } = await response.json()
    const answer = await jobwire.query(path)
    assert.ok(response.status === 400 || response.status === 410, `HTTP status of ${path}: ${response.status}`)
    assert.equal(answer.error.status, response.status, `status of ${path}`)
    assert.equal(answer.error.code, error.code, `error code of ${path}`)
  }
})
