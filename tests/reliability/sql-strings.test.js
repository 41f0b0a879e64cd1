'use strict'
// SQL-looking strings in every field a client can send: texts are stored and returned
// verbatim, names (id, type, project, parent) refuse them as they refuse any character outside
// their set, query parameters are taken as values, and nothing else changes: the jobs, the
// log and its seqs are exactly what the writes made.
const test = require('node:test')
const assert = require('node:assert/strict')
const { startJobwired } = require('../helpers/jobwired')
const { get, post, request, createJob } = require('../http/support')
const { headSeq, readLog } = require('./support')

const EVIL = [
  "'; DROP TABLE jobs; --",
  "\" OR 1=1 --",
  "x'); DELETE FROM events WHERE ('1'='1",
  "1; UPDATE jobs SET status='completed'",
  "' UNION SELECT seq, envelope FROM events --",
  "Robert'); ATTACH DATABASE '/tmp/pwn.db' AS pwn; --",
  "%' OR '%'='",
  "\\'; PRAGMA writable_schema=1; --",
  "\u0000'; --",
  "é'; SELECT load_extension('x'); --"
]

test('SQL-looking strings in every text field are stored and returned verbatim; names refuse them; nothing else changes', async (t) => {
  const srv = await startJobwired()
  t.after(() => srv.stop())
  const bystander = await createJob(srv, { type: 'bystander' })
  let expectedEvents = 1
  for (const evil of EVIL) {
    const job = await post(srv, '/api/jobs', { type: 'build', file_path: evil, policy_name: evil, output_path: evil, summary: { [evil]: evil, list: [evil] } })
    assert.equal(job.status, 201, `create with ${evil}: ${job.body}`)
    const id = job.json.id
    assert.equal((await request(srv, 'PATCH', `/api/jobs/${id}`, { body: { error_message: evil, validation: { note: evil } } })).status, 200)
    assert.equal((await post(srv, `/api/jobs/${id}/logs`, { lines: [evil, `${evil}${evil}`] })).status, 201)
    assert.equal((await post(srv, `/api/jobs/${id}/files`, { path: `out/${evil}`, change: 'created' })).status, 201)
    assert.equal((await post(srv, '/api/events', { type: 'x.note', job: id, data: { text: evil } }, { headers: { 'idempotency-key': `k ${evil.replace(/[^\x20-\x7e]/g, '')}` } })).status, 201)
    expectedEvents += 5

    const stored = (await get(srv, `/api/jobs/${id}`)).json
    for (const field of ['file_path', 'policy_name', 'output_path', 'error_message']) assert.equal(stored[field], evil, `${field} verbatim`)
    assert.deepEqual(stored.summary, { [evil]: evil, list: [evil] })
    const lines = (await get(srv, `/api/jobs/${id}/logs`)).json.lines.map((l) => (typeof l === 'string' ? l : l.line))
    assert.deepEqual(lines, [evil, `${evil}${evil}`])
    assert.deepEqual((await get(srv, `/api/jobs/${id}/files`)).json.files.map((f) => f.path), [`out/${evil}`])

    // Names: refused like any character outside [A-Za-z0-9._:-], nothing committed.
    const head = await headSeq(srv)
    for (const fields of [{ type: evil }, { type: 'build', project: evil }, { type: 'build', id: evil }, { type: 'build', parent: evil }]) {
      const res = await post(srv, '/api/jobs', fields)
      assert.equal(res.status, 400, `${JSON.stringify(fields)}: ${res.status}`)
    }
    assert.equal((await post(srv, '/api/events', { type: `x.${evil}`, data: {} })).status, 400)
    // In a query or a path they are values: no match, or a refusal, never more.
    for (const query of ['status', 'type', 'parent', 'project', 'since', 'ids', 'fields']) {
      const res = await get(srv, `/api/jobs?${query}=${encodeURIComponent(evil)}`)
      assert.ok(res.status === 200 || res.status === 400, `?${query}=: ${res.status}`)
      if (res.status === 200) assert.equal(res.json.jobs.length, 0, `?${query}= matched nothing`)
    }
    assert.ok([400, 404].includes((await get(srv, `/api/jobs/${encodeURIComponent(evil)}`)).status))
    assert.ok([400, 410].includes((await get(srv, `/api/events?after=${encodeURIComponent(evil)}`)).status))
    assert.ok([200, 400].includes((await get(srv, `/api/events?job=${encodeURIComponent(evil)}&project=${encodeURIComponent(evil)}&types=${encodeURIComponent(evil)}`)).status))
    assert.equal(await headSeq(srv), head, 'refusals and reads committed nothing')
  }
  // Nothing else changed: the bystander, the number of jobs, a dense log of exactly our writes.
  assert.equal((await get(srv, `/api/jobs/${bystander.id}`)).json.status, 'pending')
  assert.equal((await get(srv, '/api/jobs?limit=1')).json.total, EVIL.length + 1)
  const log = await readLog(srv, 0)
  assert.deepEqual(log.map((e) => e.seq), Array.from({ length: expectedEvents }, (_, i) => i + 1))
  for (const e of log.filter((x) => x.type === 'x.note')) assert.ok(EVIL.includes(e.data.text))
})
