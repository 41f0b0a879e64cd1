'use strict'
// The writes made during one turn of the JS thread cross into native in one call
// (addon/lib/write-queue.js) and come back settled in batches: each keeps its own answer or
// error, in call order.
const test = require('node:test')
const assert = require('node:assert/strict')
const { WriteQueue } = require('../../addon/lib/write-queue')
const { jobwire, openTemp, tempDbPath, collect } = require('./helpers')

// The queue alone, with a stand-in for native: what one turn hands over, and how answers and
// refusals come back.
test('the writes of one turn go to native in one call, in call order', async () => {
  const sent = []
  const queue = new WriteQueue((firstToken, ops) => sent.push([firstToken, ops]))
  const a = queue.push(2, 'j_a', 10, undefined, undefined)
  const b = queue.push(2, 'j_b', 20, undefined, 'key-b')
  assert.equal(sent.length, 0, 'nothing crosses before the turn ends')
  await new Promise((resolve) => process.nextTick(resolve))
  assert.deepEqual(sent, [[1, [2, 'j_a', 10, undefined, undefined, 2, 'j_b', 20, undefined, 'key-b']]])
  const c = queue.push(6, 'x.later', undefined, 'null', undefined)
  queue.flush()
  assert.deepEqual(sent[1], [3, [6, 'x.later', undefined, 'null', undefined]], 'a later turn is its own batch')

  const refusal = new Error('no job j_b')
  queue.settle([3, 1, 2], JSON.stringify([{ seq: 9 }, { id: 'j_a' }, null]), [undefined, undefined, refusal])
  assert.deepEqual(await a, { id: 'j_a' })
  await assert.rejects(b, refusal)
  assert.deepEqual(await c, { seq: 9 })
})

test('writes settled in any order, over many turns, each get their own answer', async () => {
  const queue = new WriteQueue(() => {})
  const writes = []
  for (let turn = 0; turn < 20; turn++) {
    for (let i = 0; i < 500; i++) writes.push(queue.push(2, 'j', i))
    queue.flush()
    // Every other write of the turn first, then the rest in reverse; the very first write
    // of all stays pending for half the turns.
    const tokens = Array.from({ length: 500 }, (_, i) => turn * 500 + i + 1).filter((token) => token !== 1)
    const order = [...tokens.filter((_, i) => i % 2 === 0), ...tokens.filter((_, i) => i % 2 === 1).reverse()]
    queue.settle(order.slice(0, 300), JSON.stringify(order.slice(0, 300).map((token) => ({ token }))))
    queue.settle(order.slice(300), JSON.stringify(order.slice(300).map((token) => ({ token }))))
    if (turn === 10) queue.settle([1], JSON.stringify([{ token: 1 }]))
  }
  const answers = await Promise.all(writes)
  assert.deepEqual(answers.map((answer) => answer.token), Array.from({ length: 10000 }, (_, i) => i + 1))
})

test('an answer sent as a kept slot is a copy of that slot with its new progress', async () => {
  const queue = new WriteQueue(() => {})
  const writes = [queue.push(2, 'j_a', 1), queue.push(2, 'j_a', 2)]
  queue.flush()
  queue.settle([1], JSON.stringify([{ id: 'j_a', progress_percent: 1, updated_seq: 5, duration_seconds: null }]),
    undefined, undefined, Float64Array.of(0, 7))
  const first = await writes[0]
  first.id = 'changed by the caller'
  queue.settle([2], JSON.stringify([7]), undefined, Float64Array.of(2, 6, 1.5))
  assert.deepEqual(await writes[1], { id: 'j_a', progress_percent: 2, updated_seq: 6, duration_seconds: 1.5 })
})

test('a batch native throws on rejects each of its writes with that error', async () => {
  const queue = new WriteQueue(() => { throw new Error('native refused the batch') })
  const writes = [queue.push(2, 'j_a', 1), queue.push(2, 'j_b', 2)]
  queue.flush()
  for (const write of writes) await assert.rejects(write, /native refused the batch/)
})

test('a turn of writes through the core: answers in call order, each its own', async (t) => {
  const core = await openTemp(t, { progressFlushMs: 0 })
  const job = await core.createJob({ type: 'build' })
  await core.setStatus(job.id, 'running')
  const live = collect(core)
  const writes = []
  for (let i = 0; i < 50; i++) writes.push(core.setProgress(job.id, i))
  writes.push(core.appendLog(job.id, ['done']), core.emit('x.after', { job: job.id, data: 1 }))
  const answers = await Promise.all(writes)
  const progress = answers.slice(0, 50)
  assert.deepEqual(progress.map((a) => a.progress_percent), Array.from({ length: 50 }, (_, i) => i))
  for (let i = 1; i < progress.length; i++) assert.equal(progress[i].updated_seq, progress[i - 1].updated_seq + 1)
  assert.equal(answers[50].log_lines, 1)
  assert.equal(answers[51].seq, answers[50].updated_seq + 1, 'emit answers its stored event')
  await live.untilSeq(answers[51].seq)
  assert.deepEqual(live.events.map((e) => e.seq), [...progress.map((a) => a.updated_seq), answers[50].updated_seq, answers[51].seq])
})

test('a refusal in the middle of a batch rejects only its own promise', async (t) => {
  const core = await openTemp(t)
  const done = await core.createJob({ type: 'build' })
  await core.setStatus(done.id, 'cancelled')
  const job = await core.createJob({ type: 'build' })
  const head = core.logInfo().head
  const results = await Promise.allSettled([
    core.setStatus(job.id, 'running'),
    core.setStatus(done.id, 'running'), // refused by the state machine
    core.setProgress('j_missing', 5), // refused: no such job
    core.setProgress(job.id, 'half'), // refused in JS, never queued
    core.createJob({ type: 'has spaces' }), // refused by the core's rules before queuing
    core.setProgress(job.id, 50),
    core.emit('x.note', { job: job.id, data: { ok: true } }),
  ])
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'rejected', 'rejected', 'rejected', 'fulfilled', 'fulfilled'])
  assert.equal(results[1].reason.code, 'invalid_transition')
  assert.equal(results[2].reason.code, 'not_found')
  assert.ok(results[3].reason instanceof TypeError)
  assert.equal(results[3].reason.code, 'invalid_argument')
  assert.ok(results[4].reason instanceof TypeError)
  assert.equal(results[4].reason.code, 'invalid_argument')
  assert.equal(results[0].value.status, 'running')
  assert.equal(results[5].value.progress_percent, 50)
  assert.deepEqual(results[6].value.data, { ok: true })
  assert.equal(core.logInfo().head, head + 3, 'only the three accepted writes committed')
  assert.equal((await core.getJob(done.id)).status, 'cancelled')
})

test('close() in the same turn as queued writes commits them first; writes after it reject', async (t) => {
  const file = tempDbPath(t)
  const core = await jobwire.open({ path: file })
  const job = await core.createJob({ type: 'build' })
  const queued = [core.setStatus(job.id, 'running'), core.setProgress(job.id, 70), core.appendLog(job.id, 'last')]
  const closed = core.close()
  const late = assert.rejects(core.setProgress(job.id, 80), { code: 'closed' })
  const answers = await Promise.all(queued)
  await late
  await closed
  assert.deepEqual(answers.map((a) => [a.status, a.progress_percent, a.log_lines]), [['running', 0, 0], ['running', 70, 0], ['running', 70, 1]])

  const reopened = await jobwire.open({ path: file })
  t.after(() => reopened.close())
  const read = await reopened.getJob(job.id)
  assert.equal(read.progress_percent, 70)
  assert.equal(read.updated_seq, answers[2].updated_seq)
})

test('one idempotency key used twice in one batch commits once; both get the first answer', async (t) => {
  const core = await openTemp(t)
  const job = await core.createJob({ type: 'build' })
  await core.setStatus(job.id, 'running')
  const head = core.logInfo().head
  const key = { idempotencyKey: 'progress-7' }
  const [first, again, other] = await Promise.all([
    core.setProgress(job.id, 7, key), core.setProgress(job.id, 7, key), core.setProgress(job.id, 9, key),
  ].map((p) => p.catch((err) => err)))
  assert.deepEqual(again, first)
  assert.equal(other.code, 'conflict')
  assert.equal(core.logInfo().head, head + 1)
})

test('many writes to one job in a turn: each answer is the whole job as committed, none shared', async (t) => {
  const core = await openTemp(t)
  const pending = await core.createJob({ type: 'queued' })
  const running = await core.createJob({ type: 'build', output_path: 'out/"é"' })
  const summed = await core.createJob({ type: 'build', summary: { steps: [1, 2] } })
  await core.setStatus(running.id, 'running')
  const asRead = async (id) => {
    const { seq, epoch, ...job } = await core.getJob(id)
    return job
  }
  const writes = []
  for (let i = 1; i <= 20; i++) {
    writes.push(core.setProgress(pending.id, i), core.setProgress(running.id, i / 3), core.setProgress(summed.id, i))
  }
  const answers = await Promise.all(writes)
  const last = { [pending.id]: answers.at(-3), [running.id]: answers.at(-2), [summed.id]: answers.at(-1) }
  for (const [id, answer] of Object.entries(last)) {
    const read = await asRead(id)
    assert.deepEqual(Object.keys(answer), Object.keys(read))
    if (id === running.id) {
      assert.equal(typeof answer.duration_seconds, 'number')
      read.duration_seconds = answer.duration_seconds
    }
    assert.deepEqual(answer, read)
  }
  for (let i = 0; i < answers.length; i++) {
    assert.equal(answers[i].progress_percent, [Math.floor(i / 3) + 1, (Math.floor(i / 3) + 1) / 3, Math.floor(i / 3) + 1][i % 3])
    if (i > 0) assert.equal(answers[i].updated_seq, answers[i - 1].updated_seq + 1)
  }
  assert.equal(answers[0].duration_seconds, null, 'a pending job has no duration')
  answers[2].summary.steps.push(3)
  answers[1].output_path = 'changed'
  assert.deepEqual(answers[5].summary, { steps: [1, 2] }, 'answers share no objects')
  assert.equal(answers[4].output_path, 'out/"é"')
})

test('answers to a job in later turns are whole, current, and untouched by what callers did to earlier ones', async (t) => {
  const core = await openTemp(t)
  const job = await core.createJob({ type: 'build', output_path: 'out/' })
  const asRead = async (id) => {
    const { seq, epoch, ...read } = await core.getJob(id)
    return read
  }
  for (const answer of [await core.setStatus(job.id, 'running'), await core.setProgress(job.id, 10)]) {
    answer.output_path = 'changed by the caller'
    answer.extra = true
  }
  const second = await core.setProgress(job.id, 20)
  const read = await asRead(job.id)
  read.duration_seconds = second.duration_seconds
  assert.deepEqual(second, read, 'a later turn answers the job as committed')
  await core.updateJob(job.id, { output_path: 'next/' })
  const third = await core.setProgress(job.id, 30)
  assert.equal(third.output_path, 'next/', 'a change other than progress is in the next answer')
  await core.setStatus(job.id, 'completed')
  const [after] = await Promise.allSettled([core.setProgress(job.id, 40)])
  assert.equal(after.reason.code, 'invalid_transition')

  // More jobs than the kept answers: each answer is still its own job's.
  const ids = []
  for (let i = 0; i < 1100; i++) ids.push(core.createJob({ type: 'many' }))
  const jobs = await Promise.all(ids)
  for (const round of [1, 2]) {
    const answers = await Promise.all(jobs.map((j, i) => core.setProgress(j.id, (i + round) % 100)))
    answers.forEach((answer, i) => {
      assert.equal(answer.id, jobs[i].id)
      assert.equal(answer.type, 'many')
      assert.equal(answer.progress_percent, (i + round) % 100)
    })
  }
})

// The native core holds the queue's settle function, which holds the native core: close()
// must let go of it, or no core would ever be collected.
test('a core that failed to open, and a closed one, can be collected', async (t) => {
  const source = `
    const native = require(process.env.JOBWIRE_ROOT + '/addon/lib/native')
    const jobwire = require(process.env.JOBWIRE_ROOT)
    const collected = []
    const registry = new FinalizationRegistry((name) => collected.push(name))
    const NativeCore = native.Core
    native.Core = function (...args) {
      const core = new NativeCore(...args)
      registry.register(core, 'core')
      return core
    }
    ;(async () => {
      await jobwire.open({ path: '/nonexistent-dir/jobwire.db' }).catch(() => {})
      let core = await jobwire.open({ path: process.env.JOBWIRE_FILE })
      await core.createJob({ type: 'build' })
      await core.close()
      core = null
      for (let i = 0; i < 50 && collected.length < 2; i++) {
        gc()
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      console.log(collected.length)
    })()`
  const { spawnSync } = require('node:child_process')
  const { root } = require('./helpers')
  const child = spawnSync(process.execPath, ['--expose-gc', '-e', source], {
    env: { ...process.env, JOBWIRE_ROOT: root, JOBWIRE_FILE: tempDbPath(t) }, encoding: 'utf8', timeout: 20000,
  })
  assert.equal(child.stderr, '')
  assert.equal(child.stdout.trim(), '2', 'both native cores were collected')
})
