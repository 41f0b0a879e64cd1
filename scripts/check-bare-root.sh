#!/usr/bin/env bash
# The package check of tests/package, in a bare Debian root: debootstrap's minbase, this
# machine's Node.js and npm, and nothing else — none of libsqlite3, libuv1, libwslay1, libpq5,
# no compiler, no CMake. Too slow for every CI run (it builds the root once, a few minutes);
# run it by hand before a release, as root:
#   scripts/check-bare-root.sh [ROOT_DIR]     (default /tmp/jobwire-bare-root, kept between runs)
# It packs a release (npm run prebuild && npm pack), installs it into a project in the root,
# and there: requires it, moves a job, receives its events, serves /healthz; runs jobwired
# with the bundled dashboard and stops it with SIGTERM; checks what ldd resolves. Then it
# installs the tarball without prebuilds/ and expects the one message naming what to install.
set -euo pipefail
project=$(cd "$(dirname "$0")/.." && pwd)
root=${1:-/tmp/jobwire-bare-root}

say () { printf '\n=== %s\n' "$*"; }

if [ ! -x "$root/usr/bin/apt-get" ]; then
  say "building a minbase Debian root in $root"
  command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap >/dev/null
  mirror=$(grep -hoE '^(URIs:|deb) +[^ ]+' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | grep -v security | head -1)
  debootstrap --variant=minbase bookworm "$root" "$mirror" >/dev/null
fi
cp /etc/resolv.conf "$root/etc/"
# This machine's trust store (the registry may sit behind a proxy with its own CA); no library.
mkdir -p "$root/etc/ssl/certs" && cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
mkdir -p "$root/usr/lib"
cp -a "$(readlink -f "$(command -v node)")" "$root/usr/bin/node"
rm -rf "$root/usr/lib/node_modules" && cp -a "$(dirname "$(readlink -f "$(command -v npm)")")/../.." "$root/usr/lib/node_modules"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/bin/npx"

say "what the root has of the libraries the binaries must not need"
chroot "$root" dpkg-query -W -f='${Package} ${Status}\n' libsqlite3-0 libuv1 libwslay1 libpq5 zlib1g cmake g++ 2>&1 | sed 's/^/  /' || true

say "packing a release"
(cd "$project" && npm run prebuild >/dev/null && rm -f jobwire-*.tgz && npm pack --silent >/dev/null)
tarball=$(ls "$project"/jobwire-*.tgz)
work=$root/root/bare-check
rm -rf "$work" && mkdir -p "$work/app" "$work/noprebuild"
cp "$tarball" "$work/jobwire.tgz"
tar -xzf "$tarball" -C "$work/noprebuild" && rm -rf "$work/noprebuild/package/prebuilds"
tar -czf "$work/jobwire-no-prebuilds.tgz" -C "$work/noprebuild" package
echo '{"name":"bare","version":"1.0.0","private":true,"allowScripts":{"jobwire":true}}' > "$work/app/package.json"
cp -r "$work/app" "$work/source-app"
cat > "$work/app/use.js" <<'EOF'
const jobwire = require('jobwire')
;(async () => {
  const core = await jobwire.open({ path: 'bare.db' })
  const seen = []
  const stop = core.subscribe((batch) => seen.push(...batch.map((e) => e.type)), { after: 0 })
  const job = await core.createJob({ type: 'build' })
  await core.setStatus(job.id, 'running')
  await core.setProgress(job.id, 50)
  await core.setStatus(job.id, 'completed')
  while (seen.length < 4) await new Promise((r) => setTimeout(r, 20))
  const server = await core.serve({ port: 0 })
  const health = await fetch(`http://127.0.0.1:${server.port}/healthz`)
  console.log(`events: ${seen.join(' ')}; /healthz ${health.status} ${await health.text()}`)
  stop(); await server.close(); await core.close()
})().catch((err) => { console.error(err); process.exit(1) })
EOF
cat > "$work/app/serve.js" <<'EOF'
const { spawn } = require('node:child_process')
const child = spawn('node_modules/.bin/jobwired', ['--port', '0', '--db', 'served.db', '--json'], { stdio: ['ignore', 'pipe', 'inherit'] })
let out = ''
child.stdout.setEncoding('utf8').on('data', async (chunk) => {
  out += chunk
  const line = out.split('\n').find((l) => l.includes('"listening"'))
  if (!line || child.asked) return
  child.asked = true
  const { url, dashboard } = JSON.parse(line)
  const page = await fetch(`${url}/`)
  console.log(`jobwired: GET / ${page.status}, dashboard from ${dashboard}, ${(await page.text()).includes('bundle.js') ? 'the bundled dashboard' : 'NOT the dashboard'}`)
  child.kill('SIGTERM')
})
child.on('exit', (code, signal) => { console.log(`jobwired exited: code ${code}, signal ${signal}`); process.exit(code === 0 ? 0 : 1) })
EOF
mount -t proc proc "$root/proc" 2>/dev/null || true
trap 'umount -l "$root/proc" 2>/dev/null || true' EXIT

say "npm install jobwire.tgz in the bare root"
chroot "$root" bash -c 'set -o pipefail; cd /root/bare-check/app && npm install --no-audit --no-fund ../jobwire.tgz 2>&1 | tail -3'
say "require('jobwire'): a job, its events, serve()"
chroot "$root" bash -c 'cd /root/bare-check/app && node use.js'
say "jobwired with the bundled dashboard, stopped by SIGTERM"
chroot "$root" bash -c 'cd /root/bare-check/app && node serve.js'
say "ldd of the binaries"
chroot "$root" bash -c 'cd /root/bare-check/app/node_modules/jobwire/prebuilds/linux-x64 && for f in jobwire.node jobwired; do echo "$f:"; ldd $f; done'
if chroot "$root" bash -c 'ldd /root/bare-check/app/node_modules/jobwire/prebuilds/linux-x64/{jobwire.node,jobwired}' | grep -vE 'linux-vdso|ld-linux|libc\.so|libm\.so|libstdc\+\+|libgcc_s|/root/bare-check/app/node_modules/jobwire/prebuilds/|:$'; then
  echo "FAILED: a library from outside the runtime and the package"; exit 1
fi
say "npm install of the tarball without prebuilds/, where nothing to build with is installed"
if chroot "$root" bash -c 'cd /root/bare-check/source-app && npm install --no-audit --no-fund ../jobwire-no-prebuilds.tgz' > "$work/source.log" 2>&1; then
  echo "FAILED: the install succeeded"; cat "$work/source.log"; exit 1
fi
grep -E 'jobwire:|tools not found|Debian packages|apt-get|npm rebuild' "$work/source.log" | sed 's/^npm error //' | sed 's/^/  /'
say "bare-root check passed"
