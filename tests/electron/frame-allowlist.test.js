'use strict'
// Which frames the bridge answers: URL prefixes compared as parsed URLs, so look-alike
// hosts, other ports, other schemes and paths outside the prefix are all refused.
const test = require('node:test')
const assert = require('node:assert/strict')
const { createFrameAllowlist } = require('../../electron/main/frame-allowlist')

test('an allowed prefix admits its own pages and nothing that merely looks like it', () => {
  const isAllowed = createFrameAllowlist(['jobwire-app://dashboard/', 'http://127.0.0.1:7700/ui/'])
  for (const url of ['jobwire-app://dashboard/index.html', 'jobwire-app://dashboard/', 'http://127.0.0.1:7700/ui/index.html?x=1#y']) {
    assert.equal(isAllowed(url), true, url)
  }
  for (const url of [
    'jobwire-app://dashboard.evil/index.html', 'jobwire-app://other/index.html',
    'http://127.0.0.1:7700.evil.com/ui/', 'http://127.0.0.1:7701/ui/', 'https://127.0.0.1:7700/ui/',
    'http://127.0.0.1:7700/', 'http://127.0.0.1:7700/uix/', 'http://user@127.0.0.1:7700.evil.com/ui/',
    'file:///etc/passwd', 'about:blank', 'data:text/html,hi', '', 'not a url', undefined, null, 42,
  ]) {
    assert.equal(isAllowed(url), false, String(url))
  }
})

test('file:// prefixes admit files under the folder only, after .. is resolved', () => {
  const isAllowed = createFrameAllowlist(['file:///opt/app/dashboard/'])
  assert.equal(isAllowed('file:///opt/app/dashboard/index.html'), true)
  assert.equal(isAllowed('file:///opt/app/dashboard/../secrets/index.html'), false)
  assert.equal(isAllowed('file:///opt/app/dashboard-old/index.html'), false)
})

test('a predicate entry decides for itself; a bad allowlist is refused at creation', () => {
  const isAllowed = createFrameAllowlist([(url) => url.endsWith('/ok.html')])
  assert.equal(isAllowed('https://example.com/ok.html'), true)
  assert.equal(isAllowed('https://example.com/no.html'), false)
  assert.throws(() => createFrameAllowlist([]), TypeError)
  assert.throws(() => createFrameAllowlist(['not a url']), TypeError)
  assert.throws(() => createFrameAllowlist([42]), TypeError)
})
