// Where the dashboard finds its server, its transport and the write token:
//   ?server=URL (or <body data-jobwire-url>) — default: the page's own origin;
//   ?transport=auto|ipc|sse|ws|longpoll|poll — default auto;
//   ?turn=ID — the turn view of that job alone (what an agent-turn app would embed);
//   ?custom_types=x.a,x.b (or <body data-jobwire-custom-types>) — the producer event types
//   the turn view's timeline shows over SSE, which delivers only the types a page names
//   (default x.intervention_request; WebSocket, long-poll and IPC deliver every type);
//   the token from ?token=, the jobwire_token cookie, or what the user pasted (kept for
//   this browser tab only, in sessionStorage).
const TOKEN_KEY = 'jobwire.token'
const DEFAULT_CUSTOM_TYPES = 'x.intervention_request'

export function readConfig (win = window) {
  const params = new URLSearchParams(win.location.search)
  const body = win.document.body
  return {
    baseUrl: params.get('server') || (body && body.dataset.jobwireUrl) || '',
    transport: params.get('transport') || 'auto',
    turn: params.get('turn') || '',
    customEventTypes: (params.get('custom_types') || (body && body.dataset.jobwireCustomTypes) || DEFAULT_CUSTOM_TYPES)
      .split(',').filter((type) => type.startsWith('x.')),
    token: params.get('token') || cookieToken(win.document.cookie) || storedToken(win) || ''
  }
}

function cookieToken (cookie) {
  for (const part of (cookie || '').split(';')) {
    const [name, ...value] = part.trim().split('=')
    if (name === 'jobwire_token') return decodeURIComponent(value.join('='))
  }
  return ''
}

function storedToken (win) {
  try { return win.sessionStorage.getItem(TOKEN_KEY) || '' } catch { return '' }
}

export function storeToken (token, win = window) {
  try { win.sessionStorage.setItem(TOKEN_KEY, token) } catch { /* storage disabled: this page only */ }
}
