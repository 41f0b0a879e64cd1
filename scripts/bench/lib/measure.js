'use strict'
// The measuring the Node benchmarks share: percentiles of sorted samples and the CPU time of
// the main (JS) thread.
const fs = require('node:fs')

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

// The sample at fraction p (0..1) of an ascending array; NaN when there is none.
function percentile (sorted, p) {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]
}

// CPU time of the main thread in ms: Linux schedstat counts only time on a CPU, so a thread
// kept waiting by other processes (the load generator shares the cores) is not charged.
// Elsewhere the event loop's active time (wall clock while not idle) stands in.
function mainThreadCpuMs () {
  try {
    return Number(fs.readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6
  } catch {
    return performance.eventLoopUtilization().active
  }
}

module.exports = { sleep, percentile, mainThreadCpuMs }
