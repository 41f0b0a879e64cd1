'use strict'
// The shared libraries an ELF binary loads, as the dynamic loader resolves them (ldd), and
// which of them a self-contained jobwire binary may rely on: the C/C++ runtime, present on
// every machine that runs Node, and files shipped beside the binary itself.
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const RUNTIME = /^(linux-vdso\.so\.\d|ld-linux[-\w]*\.so\.\d|libc\.so\.6|libm\.so\.6|libstdc\+\+\.so\.6|libgcc_s\.so\.1)$/

// [{ name, path }] for each library ldd lists; path is null when it is not found (or is
// the kernel's vdso, which has no file).
function sharedLibraries (file) {
  const r = spawnSync('ldd', [file], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`ldd ${file} failed: ${(r.stderr || r.stdout).trim()}`)
  return r.stdout.split('\n').map((line) => line.trim()).filter(Boolean).map((line) => {
    // "libx.so.1 => /lib/libx.so.1 (0x…)", "libx.so.1 => not found", "/lib64/ld-linux….so.2 (0x…)"
    const [, name, target] = line.match(/^(\S+)(?: => (.*?))?(?: \(0x[0-9a-f]+\))?$/)
    const resolved = target === undefined ? (path.isAbsolute(name) ? name : null) : target
    return { name: path.basename(name), path: resolved === 'not found' ? null : resolved }
  })
}

// The libraries of `file` that are neither the runtime nor inside `ownDir`.
function foreignLibraries (file, ownDir) {
  const inside = (p) => p && !path.relative(ownDir, p).startsWith('..')
  return sharedLibraries(file).filter((lib) => !RUNTIME.test(lib.name) && !inside(lib.path))
}

module.exports = { sharedLibraries, foreignLibraries, RUNTIME }
