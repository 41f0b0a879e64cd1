import { test } from 'node:test'
import assert from 'node:assert/strict'
import { jobKey, jobsKey, fileChangesKey } from '../../client/keys.js'
import { validatePreset } from '../../client/policy/validate-preset.js'
import { presetRetryDelay } from '../../client/policy/preset-retry.js'
import { dashboardPreset, TURN_PRESET } from '../../client/policy/presets.js'
import { resolvePolling } from '../../client/policy/intervals.js'
import { backoffDelay } from '../../client/policy/backoff.js'
import { PollScheduler } from '../../client/policy/poll-scheduler.js'
import { manualEnvironment } from '../../client/policy/environment.js'
import { parseKey } from '../../client/keys.js'
import { useMockTime, advance, recordedScheduler } from './helpers.js'

const range = (from, to, step) => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step)

function turn (t, options) {
  useMockTime(t)
  const recorded = recordedScheduler(options)
  recorded.statuses.j1 = 'running'
  recorded.scheduler.watch(jobKey('j1'), { policy: 'turn' })
  recorded.scheduler.start()
  t.after(() => recorded.scheduler.dispose())
  return recorded
}

test('a turn is read every second for 30 s, then every 5 s', async (t) => {
  const { reads } = turn(t)
  await advance(45_000)
  assert.deepEqual(reads[jobKey('j1')], [...range(1_000, 30_000, 1_000), 35_000, 40_000, 45_000])
})

test('a turn that has not ended after 2 minutes stops polling and shows paused', async (t) => {
  const { reads, scheduler } = turn(t)
  await advance(119_000)
  assert.equal(scheduler.stateOf(jobKey('j1')), 'active')
  await advance(200_000)
  assert.deepEqual(reads[jobKey('j1')], [...range(1_000, 30_000, 1_000), ...range(35_000, 120_000, 5_000)])
  assert.equal(reads[jobKey('j1')].length, 48)
  assert.equal(scheduler.stateOf(jobKey('j1')), 'paused')
})

test('a paused turn resumes at 1 s when the user interacts', async (t) => {
  const { env, reads, scheduler } = turn(t)
  const states = []
  scheduler.onStateChange((key, state) => states.push(state))
  await advance(150_000)
  env.interact() // at 150 s
  await advance(3_000)
  assert.deepEqual(reads[jobKey('j1')].slice(48), [150_000, 151_000, 152_000, 153_000])
  assert.equal(scheduler.stateOf(jobKey('j1')), 'active')
  assert.deepEqual(states, ['paused', 'active'])
})

test('an event for the job resumes a paused turn, and an event for another job does not', async (t) => {
  const { reads, scheduler } = turn(t)
  await advance(130_000)
  scheduler.noteJobActivity('j2')
  await advance(5_000)
  assert.equal(reads[jobKey('j1')].length, 48)
  scheduler.noteJobActivity('j1') // at 135 s
  await advance(2_000)
  assert.deepEqual(reads[jobKey('j1')].slice(48), [135_000, 136_000, 137_000])
})

test('a turn whose job ended is not paused: it is read once more and stops', async (t) => {
  const { reads, statuses, scheduler } = turn(t)
  await advance(10_500)
  statuses.j1 = 'completed'
  scheduler.jobTerminal('j1')
  await advance(200_000)
  assert.deepEqual(reads[jobKey('j1')], [...range(1_000, 10_000, 1_000), 12_500])
  assert.equal(scheduler.stateOf(jobKey('j1')), 'active')
})

test('keys tied to a turn (its subjobs, its documents) are read once more when it ends, then stop', async (t) => {
  useMockTime(t)
  const { reads, statuses, scheduler } = recordedScheduler()
  statuses.t1 = 'running'
  const subjobs = jobsKey({ parent: 't1' })
  const documents = fileChangesKey('docs', 10)
  scheduler.watch(subjobs, { policy: 'turn', job: 't1' })
  scheduler.watch(documents, { policy: 'turn', job: 't1' })
  scheduler.start()
  t.after(() => scheduler.dispose())
  await advance(3_500)
  statuses.t1 = 'completed'
  scheduler.jobTerminal('t1')
  await advance(60_000)
  assert.deepEqual(reads[subjobs], [1_000, 2_000, 3_000, 3_500])
  assert.deepEqual(reads[documents], [1_000, 2_000, 3_000, 3_500])
})

test('a failing turn backs off 2, 4, 8, 16 s and stops after the fifth failure', async (t) => {
  const { reads, scheduler } = turn(t, { answer: () => false })
  await advance(120_000)
  // failures at 1 s, then waits of 2, 4, 8 and 16 s
  assert.deepEqual(reads[jobKey('j1')], [1_000, 3_000, 7_000, 15_000, 31_000])
  assert.equal(scheduler.stateOf(jobKey('j1')), 'error')
})

test('after the turn stopped on errors, a success clears the error and polling goes on at 1 s', async (t) => {
  let up = false
  const { env, reads, scheduler } = turn(t, { answer: () => up })
  await advance(40_000)
  assert.equal(scheduler.stateOf(jobKey('j1')), 'error')
  env.interact() // at 40 s, still failing: one try, still stopped
  await advance(5_000)
  assert.deepEqual(reads[jobKey('j1')].slice(5), [40_000])
  assert.equal(scheduler.stateOf(jobKey('j1')), 'error')
  up = true
  env.interact() // at 45 s
  await advance(2_000)
  assert.deepEqual(reads[jobKey('j1')].slice(6), [45_000, 46_000, 47_000])
  assert.equal(scheduler.stateOf(jobKey('j1')), 'active')
})

test('the dashboard preset is the policy of the design: its backoff matches 10 s · 2^(n−3) capped at 120 s', () => {
  const preset = dashboardPreset(resolvePolling())
  for (let failures = 0; failures < 12; failures++) {
    assert.equal(presetRetryDelay(preset, failures, 3_000), backoffDelay(failures, 3_000), `after ${failures} failures`)
  }
  assert.equal(preset.stopAfterMs, null)
  assert.equal(preset.maxRetries, null)
  assert.ok(validatePreset(preset).ok)
  assert.ok(validatePreset(TURN_PRESET).ok)
})

test('a custom preset is validated: each bad value is refused with its field and reason', () => {
  const good = { intervals: { default: 2_000, changes: 5_000, timeline: 3_000 }, steps: [{ afterMs: 10_000, intervalMs: 4_000 }], stopAfterMs: 60_000, backoff: [3_000], maxRetries: 3 }
  assert.equal(validatePreset(good).ok, true)
  const cases = [
    [{ ...good, intervals: { default: 10 } }, 'intervals.default', /from 1000 to 60000 ms/],
    [{ ...good, intervals: { default: '2000' } }, 'intervals.default', /whole number/],
    [{ ...good, intervals: { list: 2_000 } }, 'intervals.default', /required/],
    [{ ...good, intervals: { default: 2_000, lists: 2_000 } }, 'intervals.lists', /unknown key kind/],
    [{ ...good, steps: [{ afterMs: 10_000, intervalMs: 4_000 }, { afterMs: 5_000, intervalMs: 8_000 }] }, 'steps[1]', /increasing/],
    [{ ...good, stopAfterMs: -1 }, 'stopAfterMs', /from/],
    [{ ...good, backoff: [2_000, Infinity] }, 'backoff[1]', /whole number/],
    [{ ...good, maxRetries: 0 }, 'maxRetries', /from 1 to 1000/],
    [{ ...good, interval: 2_000 }, 'interval', /unknown field/]
  ]
  for (const [preset, field, reason] of cases) {
    const checked = validatePreset(preset)
    assert.equal(checked.ok, false, JSON.stringify(preset))
    assert.equal(checked.field, field)
    assert.match(checked.reason, reason)
  }
})

test('a key polled under a custom preset follows its intervals, and an unknown preset is refused', async (t) => {
  useMockTime(t)
  const env = manualEnvironment()
  const reads = []
  const scheduler = new PollScheduler({
    env,
    polling: resolvePolling(),
    revalidate: async () => { reads.push(Date.now()); return true },
    describeKey: parseKey,
    isTerminal: () => false,
    isBusy: () => true,
    presets: { review: validatePreset({ intervals: { default: 2_000 }, steps: [{ afterMs: 6_000, intervalMs: 4_000 }] }).value }
  })
  t.after(() => scheduler.dispose())
  assert.throws(() => scheduler.watch(jobKey('j1'), { policy: 'nope' }), /unknown polling preset nope/)
  scheduler.watch(jobKey('j1'), { policy: 'review' })
  scheduler.start()
  await advance(14_000)
  assert.deepEqual(reads, [2_000, 4_000, 6_000, 10_000, 14_000])
})

test('after a gap under push, a failed refresh of a turn is retried on the preset backoff until it succeeds', async (t) => {
  useMockTime(t)
  let up = false
  const { reads, statuses, scheduler } = recordedScheduler({ answer: () => up })
  statuses.j1 = 'running'
  scheduler.watch(jobKey('j1'), { policy: 'turn' })
  t.after(() => scheduler.dispose())
  // Push runs: the scheduler is not polling. A gap arrives at 0 s.
  assert.equal(scheduler.refreshAfterGap(jobKey('j1')), true)
  assert.equal(scheduler.refreshAfterGap(jobKey('other')), false)
  await advance(6_500) // failures at 0, 2 and 6 s: waits of 2, 4, then 8 s
  up = true
  await advance(30_000)
  assert.deepEqual(reads[jobKey('j1')], [0, 2_000, 6_000, 14_000]) // the success ends it
})

test('after a gap, a dashboard key that keeps failing is retried 10, 20, 40 s apart, never stopping', async (t) => {
  useMockTime(t)
  const { reads, scheduler } = recordedScheduler({ answer: () => false, busy: true })
  scheduler.watch(jobsKey())
  t.after(() => scheduler.dispose())
  scheduler.refreshAfterGap(jobsKey())
  await advance(80_000)
  assert.deepEqual(reads[jobsKey()], [0, 3_000, 6_000, 16_000, 36_000, 76_000])
})

test('when push takes over from polling, a paused turn is no longer shown paused', async (t) => {
  const { scheduler } = turn(t)
  await advance(125_000)
  assert.equal(scheduler.stateOf(jobKey('j1')), 'paused')
  scheduler.stop() // the poll transport stops: push runs again
  assert.equal(scheduler.stateOf(jobKey('j1')), 'active')
})

test('under push, a turn stopped after failed refreshes tries again when the user interacts', async (t) => {
  useMockTime(t)
  let up = false
  const { env, reads, statuses, scheduler } = recordedScheduler({ answer: () => up })
  statuses.j1 = 'running'
  scheduler.watch(jobKey('j1'), { policy: 'turn' })
  t.after(() => scheduler.dispose())
  scheduler.refreshAfterGap(jobKey('j1'))
  await advance(60_000) // 0, 2, 6, 14, 30 s: the fifth failure stops it
  assert.deepEqual(reads[jobKey('j1')], [0, 2_000, 6_000, 14_000, 30_000])
  assert.equal(scheduler.stateOf(jobKey('j1')), 'error')
  up = true
  env.interact() // at 60 s
  await advance(1_000)
  assert.deepEqual(reads[jobKey('j1')].slice(5), [60_000])
  assert.equal(scheduler.stateOf(jobKey('j1')), 'active')
})
