// The environment the policy runs in: a clock, timers, page visibility and network
// state. Injected everywhere, so the same code runs in a page, in Electron's renderer
// and under node --test with mock timers.
//
// Contract: now() → ms; setTimeout/clearTimeout like the globals; isVisible()/isOnline()
// → boolean; onVisibilityChange(fn)/onOnlineChange(fn) call fn() on every change and
// return a disposer. Optional: onInteraction(fn) calls fn() when the user interacts with
// the page or it gains focus (a paused agent turn resumes on it).

export function browserEnvironment (win = globalThis) {
  const doc = win.document
  const nav = win.navigator
  const listen = (target, events, fn) => {
    if (!target || !target.addEventListener) return () => {}
    for (const name of events) target.addEventListener(name, fn)
    return () => { for (const name of events) target.removeEventListener(name, fn) }
  }
  return {
    now: () => Date.now(),
    setTimeout: (fn, ms) => win.setTimeout(fn, ms),
    clearTimeout: (id) => win.clearTimeout(id),
    isVisible: () => !doc || doc.visibilityState !== 'hidden',
    isOnline: () => !nav || nav.onLine !== false,
    onVisibilityChange: (fn) => listen(doc, ['visibilitychange'], fn),
    onOnlineChange: (fn) => listen(win, ['online', 'offline'], fn),
    onInteraction: (fn) => {
      const stopDoc = listen(doc, ['pointerdown', 'keydown', 'wheel', 'touchstart'], fn)
      const stopWin = listen(win, ['focus'], fn)
      return () => { stopDoc(); stopWin() }
    }
  }
}

// An environment whose visibility, network state and interaction the caller sets by hand; time and
// timers are the globals (which a test replaces with mock timers).
export function manualEnvironment ({ visible = true, online = true } = {}) {
  const visibilityListeners = new Set()
  const onlineListeners = new Set()
  const interactionListeners = new Set()
  const state = { visible, online }
  const subscribe = (set, fn) => { set.add(fn); return () => set.delete(fn) }
  return {
    now: () => Date.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (id) => clearTimeout(id),
    isVisible: () => state.visible,
    isOnline: () => state.online,
    onVisibilityChange: (fn) => subscribe(visibilityListeners, fn),
    onOnlineChange: (fn) => subscribe(onlineListeners, fn),
    onInteraction: (fn) => subscribe(interactionListeners, fn),
    // The user clicks, types or focuses the page.
    interact () { for (const fn of [...interactionListeners]) fn() },
    setVisible (value) { state.visible = value; for (const fn of [...visibilityListeners]) fn() },
    setOnline (value) { state.online = value; for (const fn of [...onlineListeners]) fn() }
  }
}
