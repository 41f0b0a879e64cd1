// The user's writes (the write API needs the token). Each is shown at once through an
// optimistic overlay, which no background refresh can undo; the overlay goes when the
// server shows the result, or when the write fails (and the error is thrown).

import { jobKey } from './keys.js'
import { submitOverlay, cancelOverlay } from './cache/overlays.js'

// send(method, path, body) → the answer's body: the HTTP write API, or the Electron bridge.
export function createActions ({ send, store, onSubmit, revalidate }) {
  return {
    async submitJob (draft) {
      if (!draft || typeof draft.type !== 'string' || draft.type === '') throw new TypeError('submitJob needs a job type')
      const request = { ...draft, id: draft.id || newJobId() }
      const overlay = submitOverlay(request)
      store.addOverlay(overlay)
      onSubmit()
      try {
        const job = await send('POST', '/api/jobs', request)
        overlay.confirm(job)
        store.refreshOverlays()
        return job
      } catch (error) {
        store.removeOverlay(overlay)
        throw error
      }
    },

    async cancelJob (id) {
      if (typeof id !== 'string' || id === '') throw new TypeError('cancelJob needs a job id')
      const overlay = cancelOverlay(id)
      store.addOverlay(overlay)
      try {
        return await send('POST', `${jobKey(id)}/status`, { status: 'cancelled' })
      } catch (error) {
        store.removeOverlay(overlay)
        revalidate(jobKey(id))
        throw error
      }
    }
  }
}

// Ids the server accepts (letters, digits, . _ : -), unique enough to never collide:
// time, then randomness.
function newJobId () {
  const random = Math.random().toString(36).slice(2, 10)
  return `j_${Date.now().toString(36)}${random}`
}
