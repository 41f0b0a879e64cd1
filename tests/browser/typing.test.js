// A form field keeps what the user types while 100 events/s stream in.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launchBrowser, openDashboard, writer, until, badge } from './harness.js'

test('text typed into a field is kept, with the caret, while 100 events/s arrive', async (t) => {
  const server = await startServer(t)
  const api = writer(server)
  const ids = ['busy-a', 'busy-b', 'busy-c', 'busy-d']
  for (const id of ids) { await api.createJob({ type: 'noisy', id }); await api.status(id, 'running') }
  const context = await launchBrowser(t)
  const { page } = await openDashboard(context, server)
  await until('Live', async () => (await badge(page)) === 'Live')
  await page.locator('[data-job="busy-a"]').click()

  // 100 events/s for as long as the typing lasts: progress and log lines, 10 ms apart.
  let producing = true
  const before = (await api.events()).length
  const producer = (async () => {
    let n = 0
    while (producing) {
      const id = ids[n % ids.length]
      const write = n % 2 ? api.progress(id, n % 100) : api.log(id, [`line ${n}`])
      await Promise.all([write, new Promise((resolve) => setTimeout(resolve, 10))])
      n += 1
    }
  })()
  t.after(() => { producing = false })

  const field = page.getByTestId('job-type')
  await field.fill('')
  const text = 'a careful type name, typed slowly'
  await field.pressSequentially(text, { delay: 40 })
  producing = false
  await producer
  const produced = (await api.events()).length - before

  assert.equal(await field.inputValue(), text)
  assert.equal(await field.evaluate((el) => document.activeElement === el && el.selectionStart === el.value.length), true)
  assert.ok(produced >= 100, `events arrived while typing (${produced})`)
  await until('the log to show the stream', async () => Number(await page.getByTestId('log').getAttribute('data-lines')) > 10)
})
