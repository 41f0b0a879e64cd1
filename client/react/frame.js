// Runs fn once before the next paint; in a hidden page (where animation frames do not
// come) within 250 ms, so work never piles up unseen.
export function nextFrame (fn, win = globalThis) {
  const hidden = win.document && win.document.visibilityState === 'hidden'
  if (!hidden && typeof win.requestAnimationFrame === 'function') {
    const id = win.requestAnimationFrame(fn)
    return () => win.cancelAnimationFrame(id)
  }
  const id = setTimeout(fn, 250)
  return () => clearTimeout(id)
}
