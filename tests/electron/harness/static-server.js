'use strict'
// Serves a folder on 127.0.0.1 (an ephemeral port), standing in for the file:// origin the
// desktop app loads its dashboard from. Every requested path is recorded, so a test can
// check that the dashboard asked this origin for nothing but its own files.
const fs = require('node:fs')
const http = require('node:http')
const path = require('node:path')

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml', '.map': 'application/json' }

// `headers` are added to every file answer (the desktop harness sends the app's CSP).
async function serveFolder (folder, { headers = {} } = {}) {
  const root = path.resolve(folder)
  const requests = []
  const server = http.createServer((req, res) => {
    const { pathname } = new URL(req.url, 'http://localhost')
    requests.push(pathname)
    const file = path.resolve(root, '.' + decodeURIComponent(pathname === '/' ? '/index.html' : pathname))
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { ...headers, 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' })
    fs.createReadStream(file).pipe(res)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    requests,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve) }),
  }
}

module.exports = { serveFolder }
