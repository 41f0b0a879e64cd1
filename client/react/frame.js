// Render pacing. Changes reach the screen on the next animation frame, but at most
// once per MIN_GAP_MS: at 1,000 events/s a render per frame (60/s) would spend the main
// thread on layout and paint, while 10 renders/s look just as live and keep a change on
// screen within ~100 ms. A hidden page (where animation frames do not come) renders
// every 250 ms, so work never piles up unseen.

export const MIN_GAP_MS = 100
const HIDDEN_GAP_MS = 250

export function createFramePacer (flush, win = globalThis) {
  let last = -Infinity
  let timer = null
  let frame = null

  const run = () => {
    timer = null
    frame = null
    last = Date.now()
    flush()
  }

  const onFrame = () => {
    const hidden = win.document && win.document.visibilityState === 'hidden'
    if (!hidden && typeof win.requestAnimationFrame === 'function') frame = win.requestAnimationFrame(run)
    else timer = setTimeout(run, HIDDEN_GAP_MS)
  }

  return {
    // Asks for a flush; many asks before it runs make one flush.
    request () {
      if (timer !== null || frame !== null) return
      const wait = last + MIN_GAP_MS - Date.now()
      if (wait > 0) timer = setTimeout(() => { timer = null; onFrame() }, wait)
      else onFrame()
    },
    cancel () {
      if (timer !== null) clearTimeout(timer)
      if (frame !== null) win.cancelAnimationFrame(frame)
      timer = null
      frame = null
    }
  }
}
