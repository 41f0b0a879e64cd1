'use strict'
// A window's frame: the refresh interval of the display it is on, from Electron's `screen`
// (`getDisplayMatching(bounds).displayFrequency`), 60 Hz when that is unknown. The bridge sends
// a window at most one message per frame, so a 144 Hz display is fed every 6.9 ms and a 60 Hz
// one every 16.7 ms: never faster than the page can paint, never a frame later than needed.

const FALLBACK_HZ = 60

function displayFrameMs (screen, window) {
  let hz
  if (screen && typeof screen.getDisplayMatching === 'function' && typeof window?.getBounds === 'function') {
    hz = screen.getDisplayMatching(window.getBounds())?.displayFrequency
  }
  return 1000 / (Number.isFinite(hz) && hz > 0 ? hz : FALLBACK_HZ)
}

module.exports = { displayFrameMs, FALLBACK_HZ }
