import type { Startable } from '../../lib/startable.js'

export type RuntimeName = 'docker' | 'process'

/** What to run for one container of one pod. Pods always use the host network. */
export interface ContainerSpec {
  podUid: string
  podName: string
  namespace: string
  containerName: string
  /** Required by docker; the process runtime ignores it. */
  image?: string
  /** The executable and its leading arguments (docker: the entrypoint). */
  command?: string[]
  /** Arguments after `command` (docker: the image's CMD is replaced by these). */
  args?: string[]
  env: Record<string, string>
  /** Docker: inside the image. Process: default `<dataDir>/pods/<podUid>/<containerName>/`. */
  workingDir?: string
  /** Limits. Docker enforces them; the process runtime records them only (see process-runtime.ts). */
  cpuMillis?: number
  memoryBytes?: number
  /** Extra labels; the runtime adds the `shoal.io/*` labels of `managedLabels()` over them. */
  labels?: Record<string, string>
}

export type ContainerState = 'created' | 'running' | 'exited' | 'unknown'

/**
 * Why an exited container exited, in the words Kubernetes uses in `containerStatuses`:
 * Completed (exit 0), Error (non-zero), OOMKilled, ContainerCannotRun (the command could not be
 * started), ContainerStatusUnknown (it is gone and its exit code was never recorded).
 */
export type ExitReason = 'Completed' | 'Error' | 'OOMKilled' | 'ContainerCannotRun' | 'ContainerStatusUnknown'

export interface ContainerInfo {
  id: string
  runtime: RuntimeName
  podUid: string
  podName: string
  namespace: string
  containerName: string
  state: ContainerState
  /** Set once exited, unless the exit code was lost (reason ContainerStatusUnknown). */
  exitCode?: number
  /** Set when exited. */
  reason?: ExitReason
  /** Human-readable detail for `reason`, e.g. the start error. */
  message?: string
  /** ISO 8601. */
  createdAt?: string
  startedAt?: string
  finishedAt?: string
  /** Host pid of the container's main process (process runtime: the wrapper, the group leader). */
  pid?: number
  /** Hash of the spec it was created from (`specHash()`), to detect spec changes. */
  specHash?: string
  labels: Record<string, string>
}

export interface LogOptions {
  /** Keep streaming what is written after the call, until the container exits or `signal` aborts. */
  follow?: boolean
  /** Start with only the last N lines. */
  tailLines?: number
  /** Ends the iteration quietly (no error) when aborted. */
  signal?: AbortSignal
}

export interface ExecResult {
  /** 128 + signal number when the command was killed by a signal. */
  exitCode: number
  /** stdout and stderr interleaved, truncated to the runtime's output limit (64 KiB by default). */
  output: string
}

/** One line of image pull progress, as Docker reports it. */
export interface PullProgress {
  status: string
  id?: string
  current?: number
  total?: number
}

/**
 * A container runtime. State is observed by polling `list()` / `inspect()`: runtimes emit no
 * events, so the reconciler's loop is the only place that turns observations into actions.
 * `stop()` of the runtime itself (Startable) releases timers and streams and never touches
 * containers: they keep running and a later instance adopts them.
 *
 * Every method taking an id, except `inspect`, throws ContainerNotFoundError for an unknown id.
 */
export interface ContainerRuntime extends Startable {
  readonly name: RuntimeName
  /** Answers quickly (about a second at most) and never throws. */
  available(): Promise<boolean>
  /** Every container carrying `shoal.io/managed=true`, running or not. */
  list(): Promise<ContainerInfo[]>
  /**
   * Create the container and start it. A container whose command cannot be started is still
   * created and reported `exited` (exit code 127 or 126), so a crash loop looks the same on
   * both runtimes. Docker: the image must be present (`ensureImage`), else ImageNotFoundError.
   */
  create(spec: ContainerSpec): Promise<ContainerInfo>
  /**
   * Stop a container: SIGTERM, then SIGKILL after `graceSeconds`; a no-op for one that is not
   * running. (Not `stop`: that name is the runtime's own Startable lifecycle.)
   */
  terminate(id: string, graceSeconds: number): Promise<void>
  /** Remove the container and its logs; a running container is killed first. */
  remove(id: string): Promise<void>
  /** `undefined` for an unknown id. */
  inspect(id: string): Promise<ContainerInfo | undefined>
  /** stdout and stderr interleaved as raw bytes; errors (e.g. not found) surface on the first iteration. */
  logs(id: string, options?: LogOptions): AsyncIterable<Uint8Array>
  /**
   * Run a command inside the running container, with its env (ContainerNotRunningError if it is
   * not running; ExecTimeoutError after `timeoutMs`). A command that cannot start reports 126/127.
   */
  exec(id: string, command: string[], timeoutMs: number): Promise<ExecResult>
  /** Pull `image` unless present, reporting progress (for `Pulling` events). */
  ensureImage?(image: string, onProgress?: (progress: PullProgress) => void): Promise<void>
  /** Remove what the runtime keeps for a pod beyond its containers; call once they are removed. */
  removePod(podUid: string): Promise<void>
}
