// The jobs table pages through many jobs, filters by status and type while events keep it
// current, and the detail shows a job's subjobs as a tree.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launchBrowser, openDashboard, writer, until, badge } from './harness.js'

const rowIds = (page) => page.locator('[data-testid="job-row"]').evaluateAll((rows) => rows.map((r) => r.dataset.job))

test('120 jobs page by 50, newest first; status and type filters follow live changes', async (t) => {
  const server = await startServer(t)
  const api = writer(server)
  for (let i = 0; i < 120; i++) await api.createJob({ id: `job-${String(i).padStart(3, '0')}`, type: i % 2 ? 'build' : 'test' })
  const context = await launchBrowser(t)
  const { page } = await openDashboard(context, server)
  await until('Live', async () => (await badge(page)) === 'Live')

  await until('the first page', async () => (await rowIds(page)).length === 50)
  assert.equal((await rowIds(page))[0], 'job-119')
  assert.equal(await page.getByTestId('job-count').textContent(), '120 jobs')
  await page.getByTestId('next-page').click()
  await until('the second page', async () => (await rowIds(page))[0] === 'job-069')
  await page.getByTestId('next-page').click()
  await until('the last page', async () => (await rowIds(page)).length === 20)
  assert.equal(await page.getByTestId('next-page').isDisabled(), true)

  await page.getByTestId('status-filter').selectOption('running')
  await until('an empty running filter', async () => (await page.getByTestId('job-count').textContent()) === '0 jobs')
  await api.status('job-005', 'running') // enters the filtered page while it is on screen
  await page.locator('[data-job="job-005"][data-status="running"]').waitFor({ timeout: 10_000 })
  await api.status('job-005', 'completed') // and leaves it
  await until('job-005 to leave the running filter', async () => (await rowIds(page)).length === 0)

  await page.getByTestId('status-filter').selectOption('')
  await page.getByTestId('type-filter').fill('build')
  await until('only builds', async () => (await page.getByTestId('job-count').textContent()) === '60 jobs')
  const types = await page.locator('[data-testid="job-row"] td:nth-child(2)').allTextContents()
  assert.deepEqual([...new Set(types)], ['build'])
})

test('the detail shows subjobs as a tree that follows their changes', async (t) => {
  const server = await startServer(t)
  const api = writer(server)
  await api.createJob({ id: 'root', type: 'release' })
  await api.createJob({ id: 'child-a', type: 'build', parent: 'root' })
  await api.createJob({ id: 'grandchild', type: 'test', parent: 'child-a' })
  const context = await launchBrowser(t)
  const { page } = await openDashboard(context, server)
  await page.locator('[data-job="root"]').click()
  const tree = page.getByTestId('job-tree')
  await until('the whole tree', async () => {
    const text = await tree.textContent().catch(() => '')
    return text.includes('child-a') && text.includes('grandchild')
  })
  await api.createJob({ id: 'child-b', type: 'build', parent: 'root' })
  await api.status('grandchild', 'running')
  await until('the new child and the running grandchild', async () => {
    const text = await tree.textContent()
    return text.includes('child-b') && /grandchild\s*running/.test(text)
  })
})
