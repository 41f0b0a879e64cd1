// React bindings (`jobwire/client/react`), built on SWR. The client's store is the truth;
// SWR holds what components render. Events patch the store, and the changed keys are
// handed to SWR in one batch per animation frame (at most 10 a second, see frame.js) with
// mutate(key, data, {revalidate: false}), so 1,000 events/s cost a few renders a second
// and never a refetch.
//
//   <JobwireProvider client={createClient({...})}><App/></JobwireProvider>
//   const { jobs, total } = useJobs({ status: 'running' })
//   const { data: job } = useJob(id); useJobLogs(id); useJobFiles(id)
//   const { data: turn, paused } = useJob(id, { policy: 'turn' })   // a polling preset per key
//   const { files } = useFileChanges(project, sinceSeq)             // a project's document changes
//   const { jobs } = useJobSet(ids, { fields: ['status'] }); const { events } = useTimeline(id)
//   const connection = useConnection()   // {status, label, secondsAgo, mode, setMode, refresh, …}

import { createElement, createContext, useContext, useEffect, useMemo, useState, useSyncExternalStore } from 'react'
import useSWR, { SWRConfig, useSWRConfig } from 'swr'
import { jobsKey, jobKey, logsKey, filesKey, fileChangesKey, jobSetKey, timelineKey, STATUS_LABELS } from '../index.js'
import { createFramePacer } from './frame.js'

const ClientContext = createContext(null)

export function JobwireProvider ({ client, children }) {
  if (!client) throw new TypeError('JobwireProvider needs a client (createClient)')
  const config = useMemo(() => ({
    provider: () => new Map(),
    fetcher: (key) => client.load(key),
    // The client decides when to read again (events, the polling policy, refresh).
    revalidateOnFocus: false,
    revalidateOnReconnect: false,
    revalidateIfStale: false,
    shouldRetryOnError: false,
    dedupingInterval: 2_000
  }), [client])
  useEffect(() => { client.start() }, [client])
  return createElement(ClientContext.Provider, { value: client },
    createElement(SWRConfig, { value: config }, createElement(StoreBridge, { client }), children))
}

// Hands the store's changes to SWR, in batches paced by frames.
function StoreBridge ({ client }) {
  const { mutate } = useSWRConfig()
  useEffect(() => {
    let pending = new Set()
    const pacer = createFramePacer(() => {
      const keys = pending
      pending = new Set()
      for (const key of keys) {
        if (client.store.has(key)) mutate(key, client.store.get(key), { revalidate: false })
      }
    })
    const unsubscribe = client.store.subscribe((keys) => {
      for (const key of keys) pending.add(key)
      pacer.request()
    })
    return () => { unsubscribe(); pacer.cancel() }
  }, [client, mutate])
  return null
}

export function useJobwireClient () {
  const client = useContext(ClientContext)
  if (!client) throw new Error('jobwire hooks must be used inside <JobwireProvider>')
  return client
}

// Keeps `key` watched (events, polling under the preset `policy`, tied to `job`) while the
// component is mounted; `paused` says the preset stopped polling it (a stalled turn).
function useWatchedSWR (key, { policy, job } = {}) {
  const client = useJobwireClient()
  useEffect(() => (key ? client.watch(key, { policy, job }) : undefined), [client, key, policy, job])
  const subscribe = useMemo(() => (listener) => client.onPollState((changed) => { if (changed === key) listener() }), [client, key])
  const pollState = useSyncExternalStore(subscribe, () => (key ? client.pollState(key) : undefined))
  return { ...useSWR(key), pollState }
}

export function useJobs (filters = {}, options) {
  const key = jobsKey(filters)
  const result = useWatchedSWR(key, options)
  return { ...pick(result), jobs: result.data ? result.data.jobs : [], total: result.data ? result.data.total : 0, key }
}

export function useJob (id, options) {
  return pick(useWatchedSWR(id ? jobKey(id) : null, options))
}

export function useJobLogs (id, options) {
  const result = useWatchedSWR(id ? logsKey(id) : null, options)
  return { ...pick(result), lines: result.data ? result.data.lines : [] }
}

export function useJobFiles (id, options) {
  const result = useWatchedSWR(id ? filesKey(id) : null, options)
  return { ...pick(result), files: result.data ? result.data.files : [] }
}

// The files a project's jobs created, modified or deleted after `sinceSeq`, the latest
// change per path; job.file events patch it in place.
export function useFileChanges (project, sinceSeq = 0, options) {
  const result = useWatchedSWR(project ? fileChangesKey(project, sinceSeq) : null, options)
  return { ...pick(result), files: result.data ? result.data.files : [] }
}

// Jobs by id in one request (at most 100); options.fields for status-only reads.
export function useJobSet (ids, { fields, ...options } = {}) {
  const result = useWatchedSWR(ids && ids.length ? jobSetKey(ids, fields) : null, options)
  return { ...pick(result), jobs: result.data ? result.data.jobs : [], missing: result.data ? result.data.missing : [] }
}

// The events of a job and its subjobs, oldest first.
export function useTimeline (id, options) {
  const result = useWatchedSWR(id ? timelineKey(id) : null, options)
  return { ...pick(result), events: result.data ? result.data.events : [] }
}

// The user's writes, applied optimistically (see client/actions.js).
export function useJobActions () {
  const client = useJobwireClient()
  return useMemo(() => ({ submitJob: client.submitJob, cancelJob: client.cancelJob }), [client])
}

// The connection: status and label (Live / Delayed / Offline), seconds since the last
// update (ticking once a second), mode and the controls that change it.
export function useConnection () {
  const client = useJobwireClient()
  const subscribe = useMemo(() => (listener) => client.connection.subscribe(listener), [client])
  const state = useSyncExternalStore(subscribe, () => client.connection.get())
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000)
    return () => clearInterval(timer)
  }, [])
  const lastUpdate = client.connection.get().lastUpdate
  return {
    ...state,
    label: STATUS_LABELS[state.status],
    lastUpdate,
    secondsAgo: lastUpdate ? Math.max(0, Math.round((now - lastUpdate) / 1000)) : null,
    setMode: client.setMode,
    refresh: client.refresh,
    switchBack: client.switchBack
  }
}

function pick ({ data, error, isLoading, pollState }) {
  return { data, error, isLoading, pollState, paused: pollState === 'paused' }
}
