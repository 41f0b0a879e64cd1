// A job submitted from the page appears, runs and completes with its logs, and in push
// mode each change is on screen within 200 ms of the producer's write.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launchBrowser, openDashboard, writer, recordDetail, until } from './harness.js'

const ON_SCREEN_MS = 200

for (const transport of ['sse', 'ws', 'longpoll']) {
  test(`over ${transport}: a job submitted from the page runs to completion on screen, each change within 200 ms`, async (t) => {
    const server = await startServer(t)
    const context = await launchBrowser(t)
    const api = writer(server)
    const { page } = await openDashboard(context, server, { transport })
    await until('the badge to say Live', async () => (await page.getByTestId('badge').textContent()) === 'Live')
    assert.equal(await page.getByTestId('transport').textContent(), transport)

    await page.getByTestId('job-type').fill(`e2e-${transport}`)
    await page.getByTestId('submit-job').click()
    const row = page.locator('[data-testid="job-row"]').first()
    await until('the submitted job in the table', async () => (await row.textContent()).includes(`e2e-${transport}`))
    const id = await row.getAttribute('data-job')
    await until('the detail of the submitted job', async () => (await page.getByTestId('detail').getAttribute('data-job')) === id)
    const shown = await recordDetail(page)

    const latencies = {}
    const step = async (name, write, match) => {
      const sent = Date.now()
      await write()
      latencies[name] = (await shown({ job: id, ...match })) - sent
    }
    await step('running', () => api.status(id, 'running'), { status: 'running' })
    await step('progress', () => api.progress(id, 40), { progress: 40 })
    await step('log', () => api.log(id, ['compiling', 'linking']), { lines: 2 })
    await step('more log', () => api.log(id, ['done']), { lines: 3 })
    await step('completed', () => api.status(id, 'completed'), { status: 'completed' })

    t.diagnostic(`on screen after (ms): ${JSON.stringify(latencies)}`)
    for (const [name, ms] of Object.entries(latencies)) {
      assert.ok(ms <= ON_SCREEN_MS, `${name} reached the screen after ${ms} ms (limit ${ON_SCREEN_MS} ms)`)
    }
    assert.equal(await page.getByTestId('log').textContent(), 'compiling\nlinking\ndone')
    assert.equal(await page.locator(`[data-testid="job-row"][data-job="${id}"]`).getAttribute('data-status'), 'completed')
    assert.equal(await page.getByTestId('detail-progress').getAttribute('data-progress'), '100')
  })
}
