// React bindings (`jobwire/client/react`), built on SWR. The client's store is the truth;
// SWR holds what components render. Events patch the store, and the changed keys are
// handed to SWR in one batch per animation frame (at most 10 a second, see frame.js) with
// mutate(key, data, {revalidate: false}), so 1,000 events/s cost a few renders a second
// and never a refetch.
//
//   <JobwireProvider client={createClient({...})}><App/></JobwireProvider>
//   const { jobs, total } = useJobs({ status: 'running' })
//   const { data: job } = useJob(id); useJobLogs(id); useJobFiles(id)
//   const connection = useConnection()   // {status, label, secondsAgo, mode, setMode, refresh, …}

import { createElement, createContext, useContext, useEffect, useMemo, useState, useSyncExternalStore } from 'react'
import useSWR, { SWRConfig, useSWRConfig } from 'swr'
import { jobsKey, jobKey, logsKey, filesKey, STATUS_LABELS } from '../index.js'
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

// Keeps `key` watched (events, polling policy) while the component is mounted.
function useWatchedSWR (key) {
  const client = useJobwireClient()
  useEffect(() => (key ? client.watch(key) : undefined), [client, key])
  return useSWR(key)
}

export function useJobs (filters = {}) {
  const key = jobsKey(filters)
  const result = useWatchedSWR(key)
  return { ...pick(result), jobs: result.data ? result.data.jobs : [], total: result.data ? result.data.total : 0, key }
}

export function useJob (id) {
  return pick(useWatchedSWR(id ? jobKey(id) : null))
}

export function useJobLogs (id) {
  const result = useWatchedSWR(id ? logsKey(id) : null)
  return { ...pick(result), lines: result.data ? result.data.lines : [] }
}

export function useJobFiles (id) {
  const result = useWatchedSWR(id ? filesKey(id) : null)
  return { ...pick(result), files: result.data ? result.data.files : [] }
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

function pick ({ data, error, isLoading }) {
  return { data, error, isLoading }
}
