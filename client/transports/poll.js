// 'poll': no event stream at all. The snapshots on screen are read again under the
// polling policy (policy/poll-scheduler.js), with If-None-Match so an unchanged one costs
// a 304. The connection manager runs it as the chosen mode or as the fallback when push
// fails; it needs no cursor, and push resumes from the cursor it left.

export function createPollTransport ({ scheduler }) {
  return {
    name: 'poll',
    start: () => scheduler.start(),
    stop: () => scheduler.stop()
  }
}
