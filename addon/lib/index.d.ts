// Type declarations for require('jobwire'): the native core inside Node and Electron's
// main process. Every method returns a promise and never blocks the JS thread. Errors are
// `Error` objects (a `TypeError` for bad input) with a string `code`.

export type JobStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled'
export type FileChange = 'created' | 'modified' | 'deleted'
export type ErrorCode =
  | 'invalid_argument' | 'invalid_transition' | 'not_found' | 'conflict' | 'reset' | 'closed'
  | 'unavailable' | 'io_error' | 'internal'

export interface JobwireError extends Error {
  code: ErrorCode
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

export interface Job {
  id: string
  type: string
  project: string
  parent: string | null
  priority: number
  status: JobStatus
  progress_percent: number
  created_at: string // ISO-8601 UTC with milliseconds
  started_at: string | null
  completed_at: string | null
  duration_seconds: number | null
  error_message: string | null
  file_path: string | null
  policy_name: string | null
  output_path: string | null
  summary: Json
  validation: Json
  has_logs: boolean
  log_lines: number
  updated_seq: number // the seq of the last event that touched this job
}

/** A snapshot of one job: `seq` is the log position it reflects (its ETag), `epoch` the store's. */
export interface JobSnapshot extends Job {
  seq: number
  epoch: string
}

/** The envelope every transport carries. */
export interface Envelope<D = Json> {
  seq: number
  type: string // job.created | job.status | job.progress | job.log | job.file | job.updated | x.*
  ts: string
  job: string | null // null for an x.* event tied to no job
  parent: string | null
  project: string
  data: D
}

/**
 * One call of a subscriber: envelopes in seq order, each above the previous batch's.
 * `cursor` is the last seq the subscription has passed; resume from it.
 * `reset` is true when events were lost to retention before this batch (a subscription
 * resumed with an `after` older than the oldest retained seq): refetch snapshots. Such a
 * batch may be empty; delivery continues live from `cursor`.
 */
export type EventBatch = Envelope[] & { cursor: number; reset?: true }

/**
 * One call of a subscriber that asked for `text: true`: the same batch unparsed, as the core
 * stored it, for a relay that forwards events without reading them (the Electron bridge sends
 * it on to a renderer). `json` is a JSON array of `count` envelopes; `cursor` and `reset` as in
 * EventBatch.
 */
export interface TextBatch { json: string; count: number; cursor: number; reset?: true }

export interface OpenOptions {
  /**
   * The store: a SQLite file (created and migrated when needed), or a PostgreSQL database
   * shared with other processes (`postgres://user@host/db`; libpq's PG* variables and
   * password file apply). Default `$JOBWIRE_STORE`, else `jobwire.db`.
   */
  store?: string
  /** The same as `store` (a SQLite file's path): give one or the other. */
  path?: string
  /** SQLite only. 'process' (default): survives the process being killed; 'power': also power loss. */
  durability?: 'process' | 'power'
  /** Events kept in the log (default 1,000,000). */
  retentionEvents?: number
  /** Milliseconds of events kept in the log (default 7 days). */
  retentionMs?: number
  /** Events queued per subscriber before it catches up from the log instead (default 10,000). */
  subscriberQueueLimit?: number
  /** Progress events closer than this for one job may be coalesced (default 250; 0: never). */
  progressFlushMs?: number
  /** How long an idempotency key answers retries (default 24 h). */
  idempotencyKeyMs?: number
  /** How many idempotency keys are kept, newest first (default 100,000). */
  idempotencyKeyCount?: number
}

export interface NewJob {
  type: string
  id?: string
  project?: string // default 'default'
  parent?: string | null
  priority?: number
  file_path?: string
  policy_name?: string
  output_path?: string
  summary?: Json
}

export interface JobPatch {
  summary?: Json
  validation?: Json
  error_message?: string
  output_path?: string
  file_path?: string
  policy_name?: string
  priority?: number
}

export interface JobFilter {
  status?: JobStatus
  type?: string
  parent?: string
  project?: string
  /** Jobs created or updated at or after this time. */
  since?: Date | string | number
  offset?: number
  /** 1..1000, default 50. */
  limit?: number
}

export interface JobPage {
  jobs: Job[]
  total: number
  offset: number
  limit: number
  seq: number
  epoch: string
}

export interface LogPage {
  job_id: string
  lines: string[]
  total_lines: number
  offset: number
  has_more: boolean
  seq: number
  epoch: string
}

export interface FileEntry {
  file_id: string
  job_id: string
  path: string
  change: FileChange
  updated_at: string
}

export interface FileList {
  files: FileEntry[]
  seq: number
  epoch: string
}

export interface JobSet {
  /** In the order asked, each id once. */
  jobs: Job[]
  /** The ids asked for that name no job. */
  missing: string[]
  seq: number
  epoch: string
}

export interface FileChangeEntry {
  path: string
  /** The latest change of this path after since_seq. */
  change: FileChange
  job_id: string
  file_id: string
  /** The seq of that change's job.file event. */
  seq: number
  ts: string
}

/** The answer of GET /api/config/polling. */
export interface PollingConfig {
  interval_ms: number
  enabled: boolean
  log_interval_ms: number
}

/** What core.query answers: the HTTP status, headers (ETag, Cache-Control) and the JSON body's text. */
export interface QueryAnswer {
  status: number
  headers: Record<string, string>
  body: string
}

export interface FileChanges {
  project: string
  since_seq: number
  /** One per path, ordered by their latest change. */
  files: FileChangeEntry[]
  seq: number
  epoch: string
}

export interface EventPage {
  events: Envelope[]
  /** The cursor to resume from: the last seq examined. */
  next: number
}

export interface SubscribeOptions {
  /** Resume after this seq: the events missed since, then live ones. Default: from now. */
  after?: number
  /**
   * Receives what a subscriber throws (or its returned promise rejects with). Delivery goes
   * on either way. Without it the error is emitted as a process warning named
   * 'JobwireSubscriberWarning' (with the error as its `cause`).
   */
  onError?: (error: unknown) => void
}

export interface ServeOptions {
  port?: number // default 7700; 0 picks a free port
  host?: string // default 127.0.0.1
  /** Needed for writes (and for reads when not on loopback). Default: $JOBWIRE_TOKEN, else a random one. */
  token?: string
  allowOrigins?: string[]
  staticDir?: string
  /** How often an idle stream gets a heartbeat (SSE `: hb`, WebSocket `heartbeat`) (100..3600000). Default 20000. */
  heartbeatMs?: number
  /** HTTP loop threads, each serving a share of the connections (1..256). Default 1. */
  threads?: number
  /**
   * With thousands of streams, each is written at most once per tick with all its events since
   * the last (10..1000). More is less CPU per event and more latency. Default 50.
   */
  fanoutTickMs?: number
  /** A request must arrive whole within this (100..3600000). Default 10000. */
  requestTimeoutMs?: number
  /** A stream whose socket takes no byte for this long is told `gap` and closed (100..3600000). Default 2000. */
  stallTimeoutMs?: number
  /** Connections past this are refused with 503 (1..10000000). Default 20000. */
  maxConnections?: number
  /** Largest write body; more is 413 (1..1073741824). Default 1048576. */
  maxBodyBytes?: number
  /** A client that stops reading is dropped past this many unsent bytes (1024..4294967296). Default 4194304. */
  maxWriteBufferBytes?: number
}

export interface RunningServer {
  port: number
  host: string
  token: string
  /** Stops accepting, ends streams, lets in-flight writes finish. */
  close(): Promise<void>
}

export interface LogInfo {
  epoch: string
  /** The newest committed seq. */
  head: number
  /** The oldest retained seq (head + 1 when the log is empty). */
  oldest: number
}

/** The last argument of every write. */
export interface WriteOptions {
  /**
   * 1 to 200 bytes, chosen by the caller once per logical write and sent again on each retry:
   * the same key with the same request commits once and resolves with the first answer again;
   * with another request it rejects with code 'conflict'. Keys are kept 24 h / 100,000 by
   * default (open options idempotencyKeyMs, idempotencyKeyCount).
   */
  idempotencyKey?: string
}

export declare class Core {
  private constructor()
  /** Resolves after commit with the job as stored. */
  createJob(job: NewJob, options?: WriteOptions): Promise<Job>
  /** Refused transitions reject with code 'invalid_transition' and write nothing. */
  setStatus(id: string, status: JobStatus, errorMessage?: string | { error_message?: string } | null,
    options?: WriteOptions): Promise<Job>
  setProgress(id: string, percent: number, options?: WriteOptions): Promise<Job>
  updateJob(id: string, patch: JobPatch, options?: WriteOptions): Promise<Job>
  appendLog(id: string, lines: string | string[], options?: WriteOptions): Promise<Job>
  registerFile(id: string, file: { path: string; change?: FileChange }, options?: WriteOptions): Promise<Job>
  /** A producer-defined event; `type` starts with 'x.'. Resolves with the stored envelope. */
  emit<D extends Json = Json>(type: `x.${string}`, event?: { job?: string; data?: D },
    options?: WriteOptions): Promise<Envelope<D>>

  getJob(id: string): Promise<JobSnapshot>
  listJobs(filter?: JobFilter): Promise<JobPage>
  getLogs(id: string, options?: { offset?: number; limit?: number }): Promise<LogPage>
  listFiles(id: string): Promise<FileList>
  /** The jobs with these ids (1 to 100), in one read. */
  getJobs(ids: string[]): Promise<JobSet>
  /** A project's file changes after `sinceSeq`; rejects with code 'reset' when it is older than retention. */
  fileChanges(project: string, sinceSeq?: number): Promise<FileChanges>
  /**
   * The events after `seq`, filtered as GET /api/events is: `project`, `job` (that job and all
   * its subjobs), `types` (exact types or a prefix ending in '*'). `next` advances past what the
   * filters skip. Rejects with code 'reset' when `seq` is older than retention or newer than the head.
   */
  eventsAfter(seq: number, options?: { limit?: number, project?: string, job?: string, types?: string[] | string }): Promise<EventPage>
  /**
   * A read route of the HTTP API (`target`: its path and query), answered from the route table
   * jobwired serves: the same status and JSON body. An error status resolves too.
   */
  query(method: 'GET', target: string, options?: { polling?: Partial<PollingConfig> }): Promise<QueryAnswer>

  /**
   * Calls `fn` once per batch of committed events, in seq order, with no gap and no
   * duplicate (also across the seam of a resume with `after`). Returns the function that
   * stops it. An idle subscription does not keep the process alive.
   */
  subscribe(fn: (batch: EventBatch) => void | Promise<void>, options?: SubscribeOptions & { text?: false }): () => void
  subscribe(fn: (batch: TextBatch) => void | Promise<void>, options: SubscribeOptions & { text: true }): () => void

  /** Serves this core over HTTP (REST, polling, SSE, WebSocket, write API) on its own thread. */
  serve(options?: ServeOptions): Promise<RunningServer>

  /** The store's epoch and the range of the log it retains, from memory. */
  logInfo(): LogInfo

  /** Finishes every pending write, stops servers and subscriptions; later calls reject with 'closed'. */
  close(): Promise<void>
}

/** Opens (creating and migrating when needed) the store. */
export declare function open(options?: OpenOptions): Promise<Core>
