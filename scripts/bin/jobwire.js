#!/usr/bin/env node
'use strict'
// `jobwire`: the producer and operator CLI. Talks to a running jobwired over the write API.
//
//   jobwire [--url URL] [--token T] [--json] job create --type T [--project P] [--parent ID] …
//   jobwire job status ID [STATUS [--error MSG]]   jobwire job progress ID PERCENT
//   jobwire job log ID [LINE…]   (no LINE: lines from stdin)
//   jobwire job file ID PATH [--change created|modified|deleted]
//   jobwire job emit x.TYPE [--job ID] [--data JSON]
//   jobwire events [--after N] [--follow] [--project P] [--job ID] [--types T,…]
//
// Exit codes: 0 done, 1 the server refused or could not be reached, 2 wrong usage.

const USAGE = `usage: jobwire [--url URL] [--token TOKEN] [--json] <command>

commands:
  job create --type TYPE [--project P] [--parent ID] [--priority N] [--id ID] [--summary JSON]
  job status ID [STATUS] [--error MESSAGE]     show a job, or move it to STATUS
  job progress ID PERCENT
  job log ID [LINE...]                         no LINE: one line per line of stdin
  job file ID PATH [--change created|modified|deleted]
  job emit x.TYPE [--job ID] [--data JSON]      a custom event
  events [--after N] [--follow] [--project P] [--job ID] [--types T,...]

options:
  --url URL      the server (default $JOBWIRE_URL or http://127.0.0.1:7700)
  --token TOKEN  the write token (default $JOBWIRE_TOKEN)
  --json         print the server's JSON instead of a sentence (events: one per line)
`

class UsageError extends Error {}
class ServerError extends Error {
  constructor (code, message) { super(message); this.code = code }
}

// Splits argv into positionals and --flags (a flag takes the next word unless boolean).
function parseArgs (argv) {
  const booleans = new Set(['json', 'follow', 'help'])
  const flags = {}
  const positional = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '-h') { flags.help = true; continue }
    if (!arg.startsWith('--') || arg === '--') { positional.push(arg); continue }
    const eq = arg.indexOf('=')
    const name = arg.slice(2, eq < 0 ? undefined : eq)
    if (booleans.has(name)) { flags[name] = true; continue }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i]
    if (value === undefined) throw new UsageError(`--${name} needs a value`)
    flags[name] = value
  }
  return { flags, positional }
}

function client (flags) {
  const base = (flags.url || process.env.JOBWIRE_URL || 'http://127.0.0.1:7700').replace(/\/+$/, '')
  if (!/^https?:\/\//.test(base)) throw new UsageError(`--url must start with http:// or https:// (got ${base})`)
  const token = flags.token || process.env.JOBWIRE_TOKEN || ''
  return async function call (method, path, body) {
    const headers = { accept: 'application/json' }
    if (token) headers.authorization = `Bearer ${token}`
    if (body !== undefined) headers['content-type'] = 'application/json'
    let res
    try {
      res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    } catch (err) {
      const why = err.cause ? err.cause.code || err.cause.message : err.message
      throw new ServerError('unreachable', `cannot reach ${base}: ${why}`)
    }
    const text = await res.text()
    let json
    try { json = text ? JSON.parse(text) : null } catch { json = null }
    if (!res.ok) {
      const error = json && json.error ? json.error : { code: `http_${res.status}`, message: text.trim() || res.statusText }
      throw Object.assign(new ServerError(error.code, error.message), { status: res.status, body: json })
    }
    return json
  }
}

function need (value, what) {
  if (value === undefined || value === '') throw new UsageError(`missing ${what}`)
  return value
}

function parseJson (text, flag) {
  try { return JSON.parse(text) } catch { throw new UsageError(`--${flag} must be JSON`) }
}

async function readStdinLines () {
  const chunks = []
  for await (const chunk of process.stdin) chunks.push(chunk)
  return Buffer.concat(chunks).toString('utf8').split('\n').filter((line, i, all) => i < all.length - 1 || line !== '')
}

function describeJob (job) {
  const progress = job.status === 'running' ? ` ${job.progress_percent}%` : ''
  const parent = job.parent ? ` (subjob of ${job.parent})` : ''
  const error = job.error_message ? `: ${job.error_message}` : ''
  return `${job.id} ${job.type} [${job.project}] ${job.status}${progress}${parent}${error}`
}

function describeEvent (e) {
  return `#${e.seq} ${e.ts} ${e.type}${e.job ? ` ${e.job}` : ''} ${JSON.stringify(e.data)}`
}

async function jobCommand (call, flags, [sub, ...args], out) {
  switch (sub) {
    case 'create': {
      const body = { type: need(flags.type, '--type') }
      if (flags.project) body.project = flags.project
      if (flags.parent) body.parent = flags.parent
      if (flags.id) body.id = flags.id
      if (flags.priority !== undefined) {
        body.priority = Number(flags.priority)
        if (!Number.isInteger(body.priority)) throw new UsageError('--priority must be an integer')
      }
      if (flags.summary !== undefined) body.summary = parseJson(flags.summary, 'summary')
      const job = await call('POST', '/api/jobs', body)
      return out(job, `created ${describeJob(job)}`)
    }
    case 'status': {
      const id = need(args[0], 'job id')
      if (args[1] === undefined) {
        const job = await call('GET', `/api/jobs/${encodeURIComponent(id)}`)
        return out(job, describeJob(job))
      }
      const body = { status: args[1] }
      if (flags.error) body.error_message = flags.error
      const job = await call('POST', `/api/jobs/${encodeURIComponent(id)}/status`, body)
      return out(job, describeJob(job))
    }
    case 'progress': {
      const id = need(args[0], 'job id')
      const progress = Number(need(args[1], 'percent'))
      if (!Number.isFinite(progress) || progress < 0 || progress > 100) throw new UsageError('percent must be a number from 0 to 100')
      const job = await call('POST', `/api/jobs/${encodeURIComponent(id)}/progress`, { progress })
      return out(job, `${job.id} ${job.progress_percent}%`)
    }
    case 'log': {
      const id = need(args[0], 'job id')
      const lines = args.length > 1 ? args.slice(1) : await readStdinLines()
      if (lines.length === 0) throw new UsageError('no lines to append')
      const entry = await call('POST', `/api/jobs/${encodeURIComponent(id)}/logs`, { lines })
      return out(entry, `appended ${entry.lines.length} line${entry.lines.length === 1 ? '' : 's'} to ${id} at offset ${entry.offset}`)
    }
    case 'file': {
      const id = need(args[0], 'job id')
      const body = { path: need(args[1], 'file path'), change: flags.change || 'created' }
      const entry = await call('POST', `/api/jobs/${encodeURIComponent(id)}/files`, body)
      return out(entry, `${entry.change} ${entry.path} on ${id} (${entry.file_id})`)
    }
    case 'emit':
      return emitCommand(call, flags, args, out)
    default:
      throw new UsageError(sub ? `unknown job command "${sub}"` : 'missing job command')
  }
}

async function emitCommand (call, flags, args, out) {
  const type = need(args[0], 'event type')
  if (!type.startsWith('x.')) throw new UsageError('custom event types start with "x."')
  const body = { type, data: flags.data === undefined ? {} : parseJson(flags.data, 'data') }
  if (flags.job) body.job = flags.job
  const event = await call('POST', '/api/events', body)
  return out(event, `stored ${event.type} as seq ${event.seq}`)
}

// Prints events after a cursor; with --follow keeps long-polling until interrupted.
async function eventsCommand (call, flags, json) {
  const filters = ['project', 'job', 'types'].filter((k) => flags[k]).map((k) => `&${k}=${encodeURIComponent(flags[k])}`).join('')
  let after
  if (flags.after !== undefined) {
    after = Number(flags.after)
    if (!Number.isInteger(after) || after < 0) throw new UsageError('--after must be a seq (0 or more)')
  } else {
    after = flags.follow ? (await call('GET', '/healthz')).seq : 0
  }
  let stopping = false
  process.once('SIGINT', () => { stopping = true; process.exit(0) })
  while (!stopping) {
    let page
    try {
      page = await call('GET', `/api/events?after=${after}&limit=1000${flags.follow ? '&wait=25' : ''}${filters}`)
    } catch (err) {
      if (err.code !== 'reset') throw err
      process.stderr.write(`jobwire: events before seq ${err.body.oldest} are gone (retention); continuing from there\n`)
      after = err.body.oldest - 1
      continue
    }
    for (const e of page.events) process.stdout.write(`${json ? JSON.stringify(e) : describeEvent(e)}\n`)
    after = page.next
    if (!flags.follow && page.events.length === 0) break
  }
}

async function main (argv) {
  const { flags, positional } = parseArgs(argv)
  if (flags.help || positional.length === 0) {
    process.stdout.write(USAGE)
    return flags.help ? 0 : 2
  }
  const call = client(flags)
  const out = (json, sentence) => process.stdout.write(`${flags.json ? JSON.stringify(json) : sentence}\n`)
  const [command, ...rest] = positional
  if (command === 'job') await jobCommand(call, flags, rest, out)
  else if (command === 'emit') await emitCommand(call, flags, rest, out)
  else if (command === 'events') await eventsCommand(call, flags, flags.json)
  else throw new UsageError(`unknown command "${command}"`)
  return 0
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code }, (err) => {
  if (err instanceof UsageError) {
    process.stderr.write(`jobwire: ${err.message}\n\n${USAGE}`)
    process.exitCode = 2
  } else if (err instanceof ServerError) {
    process.stderr.write(`jobwire: ${err.code}: ${err.message}\n`)
    process.exitCode = 1
  } else {
    process.stderr.write(`jobwire: ${err.stack || err}\n`)
    process.exitCode = 1
  }
})
