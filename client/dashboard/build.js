'use strict'
// Bundles the dashboard into outDir: index.html, styles.css and bundle.js (React, SWR
// and the client in one minified file). Synchronous, so set-up can call it in line.
const fs = require('node:fs')
const path = require('node:path')

function build ({ outDir, minify = true } = {}) {
  if (!outDir) throw new TypeError('build needs an outDir')
  const esbuild = require('esbuild')
  fs.mkdirSync(outDir, { recursive: true })
  esbuild.buildSync({
    entryPoints: [path.join(__dirname, 'main.jsx')],
    outfile: path.join(outDir, 'bundle.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2020'],
    jsx: 'automatic',
    minify,
    sourcemap: false,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning'
  })
  for (const file of ['index.html', 'styles.css']) fs.copyFileSync(path.join(__dirname, file), path.join(outDir, file))
  return { outDir, files: ['index.html', 'styles.css', 'bundle.js'] }
}

module.exports = { build }

if (require.main === module) {
  const outDir = process.argv[2] || path.resolve(__dirname, '..', '..', 'build', 'dashboard')
  build({ outDir })
  console.log(`dashboard built into ${outDir}`)
}
