'use strict'
// The stand-in IPC is only as faithful as its page-side codec: it must read the bytes Node's
// v8.serialize writes (main → renderer) and write bytes v8.deserialize reads (renderer →
// main), for everything an IPC payload holds here.
const test = require('node:test')
const assert = require('node:assert/strict')
const v8 = require('node:v8')
const { makeV8Wire } = require('./harness/v8-wire')

const wire = makeV8Wire()
const shared = { reused: true }
const cyclic = { name: 'loop' }
cyclic.self = cyclic
const holey = []
holey[3] = 'last'

const SAMPLES = {
  primitives: [null, undefined, true, false, 0, -1, 1073741823, -1073741824, 2 ** 31, -(2 ** 40), 1.5, NaN, -0, Infinity],
  strings: ['', 'ascii', 'latin-1 é ÿ \u0085', 'two-byte ✓ € 日本', 'x'.repeat(100_000)],
  envelope: { seq: 42, type: 'job.status', ts: '2026-11-22T10:00:00.123Z', job: 'j_1', parent: null, project: 'default', data: { status: 'running' } },
  nested: { a: [1, [2, [3, { b: 'c' }]]], empty: {}, none: [] },
  sharedAndCyclic: [shared, shared, cyclic],
  holey,
  date: new Date(1_700_000_000_123),
  numericKeys: { 0: 'zero', 10: 'ten', key: 'value' },
  batch: Array.from({ length: 2_000 }, (_, i) => ({ seq: i + 1, type: 'job.log', data: { offset: i, lines: [`line ${i} ✓`] } })),
}

for (const [name, value] of Object.entries(SAMPLES)) {
  test(`the page codec reads v8.serialize bytes and writes bytes v8.deserialize reads: ${name}`, () => {
    assert.deepStrictEqual(wire.decode(new Uint8Array(v8.serialize(value))), value)
    assert.deepStrictEqual(v8.deserialize(Buffer.from(wire.encode(value))), value)
  })
}

test('the page codec keeps shared and cyclic references as references', () => {
  const [first, second, loop] = wire.decode(new Uint8Array(v8.serialize(SAMPLES.sharedAndCyclic)))
  assert.equal(first, second)
  assert.equal(loop.self, loop)
})

test('the page codec refuses what structured clone cannot carry', () => {
  assert.throws(() => wire.encode({ fn () {} }), /cannot serialize a function/)
  assert.throws(() => wire.encode(new Map()), /only plain objects/)
  assert.throws(() => wire.decode(new Uint8Array([0x00, 0x01])), /no version header/)
})
