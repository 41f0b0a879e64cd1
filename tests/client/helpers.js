// Shared set-up for the policy tests: node's mock timers (setTimeout and Date) and a
// scheduler whose revalidate records when each key was read and answers as told.
import { mock } from 'node:test'
import { manualEnvironment } from '../../client/policy/environment.js'
import { PollScheduler } from '../../client/policy/poll-scheduler.js'
import { resolvePolling } from '../../client/policy/intervals.js'
import { parseKey } from '../../client/keys.js'

export function useMockTime (t) {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 })
  t.after(() => mock.timers.reset())
}

// Advances mock time in 100 ms steps, letting promise callbacks run between steps.
export async function advance (ms) {
  const settle = async () => { for (let i = 0; i < 5; i++) await Promise.resolve() }
  await settle()
  for (let passed = 0; passed < ms; passed += 100) {
    mock.timers.tick(100)
    await settle()
  }
}

// A scheduler over a recorded server: reads[key] lists the times (ms) each key was read;
// answer(key) decides whether that read succeeds. statuses holds each job's status.
export function recordedScheduler ({ answer = () => true, busy = false, polling = {} } = {}) {
  const env = manualEnvironment()
  const reads = {}
  const statuses = {}
  const scheduler = new PollScheduler({
    env,
    polling: resolvePolling(polling),
    revalidate: async (key) => {
      ;(reads[key] ||= []).push(Date.now())
      return answer(key)
    },
    describeKey: parseKey,
    isTerminal: (jobId) => ['completed', 'failed', 'cancelled'].includes(statuses[jobId]),
    isBusy: () => (typeof busy === 'function' ? busy() : busy)
  })
  return { env, reads, statuses, scheduler }
}
