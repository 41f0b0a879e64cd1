'use strict'
// Every limit, from just under to just over (native-core/src/model/validation.h, ServerOptions):
// just under is accepted and stored whole; just over is refused as DESIGN.md says (400
// invalid_argument naming the field, 413 too_large, 431 headers_too_large) and nothing is
// committed (the head seq does not move). tests/http/write-api.test.js and malformed.test.js
// cover the far-over cases (2 MiB bodies, 20 KiB headers, 120 headers).
const test = require('node:test')
const assert = require('node:assert/strict')
const { startJobwired } = require('../helpers/jobwired')
const { get, post, request, createJob, rawExchange, statusOf } = require('../http/support')
const { headSeq } = require('./support')

const ID = 128
const TEXT = 4096
const MESSAGE = 65536
const JSON_BYTES = 256 * 1024
const LINES = 10_000
const KEY = 200
const BODY = 1 << 20
const HEADER_BYTES = 16 * 1024
const HEADERS = 100

let srv
test.before(async () => { srv = await startJobwired() })
test.after(() => srv && srv.stop())

const name = (n) => 'n'.repeat(n)
const jsonOf = (n) => JSON.stringify('j'.repeat(n - 2))  // a JSON string of exactly n bytes

// The write at `size` is accepted; at size + 1 it is refused with `status`/`code`, naming
// `field`, and the head does not move.
async function edge (label, make, { status = 400, code = 'invalid_argument', field } = {}) {
  const ok = await make(0)
  assert.ok(ok.status === 200 || ok.status === 201, `${label} at the limit: ${ok.status} ${ok.body.slice(0, 200)}`)
  const before = await headSeq(srv)
  const over = await make(1)
  assert.equal(over.status, status, `${label} one over: ${over.status} ${over.body.slice(0, 200)}`)
  assert.equal(over.json.error.code, code, label)
  if (field) assert.match(over.json.error.message, field, `${label}: the message names the field`)
  assert.equal(await headSeq(srv), before, `${label}: nothing committed`)
  return ok
}

test('names: id, type, project, parent and x.* types of 128 bytes pass, 129 are refused', async () => {
  const made = await edge('id', (d) => post(srv, '/api/jobs', { type: 'build', id: name(ID + d) }), { field: /id/ })
  assert.equal(made.json.id, name(ID))
  await edge('type', (d) => post(srv, '/api/jobs', { type: name(ID + d) }), { field: /type/ })
  await edge('project', (d) => post(srv, '/api/jobs', { type: 'build', project: name(ID + d) }), { field: /project/ })
  // The job made above has the 128-byte id: it can be a parent; a 129-byte parent is refused as a name.
  await edge('parent', (d) => post(srv, '/api/jobs', { type: 'build', parent: name(ID + d) }), { field: /parent/ })
  await edge('x.* type', (d) => post(srv, '/api/events', { type: `x.${name(ID - 2 + d)}`, data: {} }), { field: /type/ })
})

test('texts: file_path, policy_name, output_path and file paths of 4096 bytes pass, 4097 are refused', async () => {
  for (const field of ['file_path', 'policy_name', 'output_path']) {
    const made = await edge(field, (d) => post(srv, '/api/jobs', { type: 'build', [field]: 'p'.repeat(TEXT + d) }), { field: new RegExp(field) })
    assert.equal((await get(srv, `/api/jobs/${made.json.id}`)).json[field].length, TEXT, `${field} stored whole`)
    const job = await createJob(srv)
    await edge(`PATCH ${field}`, (d) => request(srv, 'PATCH', `/api/jobs/${job.id}`, { body: { [field]: 'q'.repeat(TEXT + d) } }), { field: new RegExp(field) })
  }
  const job = await createJob(srv)
  await edge('a file path', (d) => post(srv, `/api/jobs/${job.id}/files`, { path: `f/${'r'.repeat(TEXT - 2 + d)}`, change: 'created' }), { field: /path/ })
})

test('messages: a log line and an error_message of 64 KiB pass, one byte more is refused', async () => {
  const job = await createJob(srv)
  await edge('a log line', (d) => post(srv, `/api/jobs/${job.id}/logs`, { lines: ['short', 'l'.repeat(MESSAGE + d)] }), { field: /log line/ })
  const logs = await get(srv, `/api/jobs/${job.id}/logs`)
  assert.deepEqual(logs.json.lines.map((l) => (typeof l === 'string' ? l : l.line).length), [5, MESSAGE], 'the accepted append stored whole, the refused one not at all')
  await edge('error_message', (d) => request(srv, 'PATCH', `/api/jobs/${job.id}`, { body: { error_message: 'e'.repeat(MESSAGE + d) } }), { field: /error_message/ })
})

test('JSON: summary, validation and x.* data of 256 KiB pass, one byte more is refused', async () => {
  const made = await edge('summary', (d) => post(srv, '/api/jobs', { type: 'build', summary: JSON.parse(jsonOf(JSON_BYTES + d)) }), { field: /summary/ })
  assert.equal(JSON.stringify((await get(srv, `/api/jobs/${made.json.id}`)).json.summary).length, JSON_BYTES)
  const job = await createJob(srv)
  await edge('PATCH validation', (d) => request(srv, 'PATCH', `/api/jobs/${job.id}`, { body: { validation: JSON.parse(jsonOf(JSON_BYTES + d)) } }), { field: /validation/ })
  await edge('x.* data', (d) => post(srv, '/api/events', { type: 'x.big', data: JSON.parse(jsonOf(JSON_BYTES + d)) }), { field: /data/ })
})

test('an append of 10,000 lines passes, 10,001 is refused; an Idempotency-Key of 200 bytes passes, 201 is refused', async () => {
  const job = await createJob(srv)
  await edge('lines per append', (d) => post(srv, `/api/jobs/${job.id}/logs`, { lines: Array.from({ length: LINES + d }, (_, i) => `${i}`) }), { field: /lines per append/ })
  assert.equal((await get(srv, `/api/jobs/${job.id}`)).json.log_lines, LINES)
  await edge('Idempotency-Key', (d) => post(srv, '/api/events', { type: 'x.keyed', data: {} }, { headers: { 'idempotency-key': 'k'.repeat(KEY + d) } }), { field: /idempotency key/ })
})

test('a body of exactly 1 MiB is read and committed; 1 MiB + 1 byte is 413 too_large', async () => {
  const job = await createJob(srv)
  // A logs append whose JSON body is exactly `size` bytes: 16 lines, the last one padded.
  const bodyOf = (size) => {
    const lines = Array.from({ length: 16 }, () => 'b'.repeat(65_000))
    const base = JSON.stringify({ lines: [...lines, ''] }).length
    return JSON.stringify({ lines: [...lines, 'c'.repeat(size - base)] })
  }
  assert.equal(Buffer.byteLength(bodyOf(BODY)), BODY)
  await edge('body size', (d) => request(srv, 'POST', `/api/jobs/${job.id}/logs`, { raw: Buffer.from(bodyOf(BODY + d)), headers: { 'content-type': 'application/json' } }), { status: 413, code: 'too_large' })
})

test('a header block of exactly 16 KiB and exactly 100 headers pass; one byte or one header more is 431', async () => {
  // The limit counts the request target and every header name and value.
  const headOf = (bytes) => {
    const target = '/healthz'
    const fill = bytes - target.length - 'host127.0.0.1'.length - 'x-fill'.length
    return `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Fill: ${'f'.repeat(fill)}\r\nConnection: close\r\n\r\n`
  }
  const withConnection = 'connection'.length + 'close'.length
  assert.equal(statusOf(await rawExchange(srv, headOf(HEADER_BYTES - withConnection))), 200)
  const big = await rawExchange(srv, headOf(HEADER_BYTES - withConnection + 1))
  assert.equal(statusOf(big), 431)
  assert.match(big, /"code":"headers_too_large"/)
  const headersOf = (n) => `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${Array.from({ length: n - 2 }, (_, i) => `X-H${i}: v`).join('\r\n')}\r\n\r\n`
  assert.equal(statusOf(await rawExchange(srv, headersOf(HEADERS))), 200)
  assert.equal(statusOf(await rawExchange(srv, headersOf(HEADERS + 1))), 431)
})
