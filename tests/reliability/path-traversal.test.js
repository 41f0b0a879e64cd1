'use strict'
// Path traversal on the static files (--static DIR): every way out of DIR, sent as raw bytes
// so no client library normalises it first, is refused (404, or 400 for a target that is not
// a path) and never answers the file beside DIR or a system file. tests/http/daemon.test.js
// covers plain `/../` and `/%2e%2e/`.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { startJobwired } = require('../helpers/jobwired')
const { rawExchange, statusOf } = require('../http/support')

test('no target reaches a file outside the static dir: dot segments, encodings, absolute paths, backslashes, NUL', async (t) => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'jobwire-static-'))
  t.after(() => fs.rmSync(parent, { recursive: true, force: true }))
  const dir = path.join(parent, 'www')
  fs.mkdirSync(path.join(dir, 'assets'), { recursive: true })
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>dash</title>')
  fs.writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1)')
  fs.writeFileSync(path.join(parent, 'secret.txt'), 'TOP-SECRET')
  const srv = await startJobwired({ args: ['--static', dir] })
  t.after(() => srv.stop())

  const fetchRaw = async (target) => {
    const raw = await rawExchange(srv, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`)
    return { status: statusOf(raw), raw }
  }
  assert.equal((await fetchRaw('/assets/app.js')).status, 200, 'the dir itself is served')
  const targets = [
    '/../secret.txt', '/assets/../../secret.txt', '/./../secret.txt', '/%2e%2e/secret.txt', '/%2E%2E/secret.txt',
    '/.%2e/secret.txt', '/%2e./secret.txt', '/..%2fsecret.txt', '/..%2Fsecret.txt', '/assets%2f..%2f..%2fsecret.txt',
    '/%252e%252e/secret.txt', '/..\\secret.txt', '/..%5csecret.txt', '/assets/..%5c..%5csecret.txt',
    `/${parent}/secret.txt`, `/${encodeURIComponent(path.join(parent, 'secret.txt'))}`, `//${parent.slice(1)}/secret.txt`,
    '/%2fetc%2fpasswd', '//etc/passwd', '/etc/passwd', '/../../../../../../etc/passwd', '/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '/..%00/secret.txt', '/index.html%00.js', '/%c0%ae%c0%ae/secret.txt', '/..;/secret.txt',
    `http://x/../secret.txt`, '*', 'secret.txt', '../secret.txt'
  ]
  for (const target of targets) {
    const { status, raw } = await fetchRaw(target)
    assert.ok(status === 404 || status === 400, `${target}: ${status}`)
    assert.doesNotMatch(raw, /TOP-SECRET|root:/, `${target} leaked a file`)
  }
})
