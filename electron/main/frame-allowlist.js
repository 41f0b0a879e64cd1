'use strict'
// Decides which frames may talk to the bridge. An entry is a URL prefix ('file:///opt/app/dashboard/',
// 'http://127.0.0.1:7700/') or a predicate (url) => boolean. A URL is allowed when its
// scheme and origin equal an entry's and its path starts with the entry's path. Comparing
// parsed URLs (not raw strings) means 'http://127.0.0.1:7700.evil.com/' never matches
// 'http://127.0.0.1:7700/', and '..' segments are already resolved before the comparison.

function parseEntry (entry) {
  if (typeof entry === 'function') return (url) => entry(url.href) === true
  if (typeof entry !== 'string') throw new TypeError('allow: each entry must be a URL prefix string or a function')
  let prefix
  try {
    prefix = new URL(entry)
  } catch {
    throw new TypeError(`allow: not a URL: ${entry}`)
  }
  return (url) => url.protocol === prefix.protocol &&
    url.host === prefix.host &&
    url.pathname.startsWith(prefix.pathname)
}

function createFrameAllowlist (entries) {
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new TypeError('allow: give at least one allowed URL prefix (the dashboard the app loads)')
  }
  const rules = entries.map(parseEntry)
  return function isAllowed (rawUrl) {
    if (typeof rawUrl !== 'string' || rawUrl === '') return false
    let url
    try {
      url = new URL(rawUrl)
    } catch {
      return false
    }
    return rules.some((rule) => rule(url))
  }
}

module.exports = { createFrameAllowlist }
