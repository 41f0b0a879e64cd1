// The user's choices that survive a reload: the mode (Auto / Real-time / Polling) and the
// polling interval. Kept in localStorage when the page has it; in memory otherwise.

import { validateInterval } from './policy/intervals.js'
import { MODES } from './connection.js'

const MODE_KEY = 'jobwire.mode'
const INTERVAL_KEY = 'jobwire.intervalMs'

export function createSettings (storage = defaultStorage()) {
  const memory = new Map()
  const read = (key) => {
    try { return storage ? storage.getItem(key) : memory.get(key) ?? null } catch { return memory.get(key) ?? null }
  }
  const write = (key, value) => {
    memory.set(key, value)
    try { if (storage) { if (value === null) storage.removeItem(key); else storage.setItem(key, value) } } catch { /* private mode: memory only */ }
  }
  return {
    mode () {
      const stored = read(MODE_KEY)
      return MODES.includes(stored) ? stored : undefined
    },
    setMode (mode) { write(MODE_KEY, mode) },
    intervalMs () {
      const stored = read(INTERVAL_KEY)
      if (stored === null) return undefined
      const checked = validateInterval(stored)
      return checked.ok ? checked.value : undefined
    },
    setIntervalMs (ms) { write(INTERVAL_KEY, ms === undefined ? null : String(ms)) }
  }
}

function defaultStorage () {
  try { return globalThis.localStorage || null } catch { return null }
}
