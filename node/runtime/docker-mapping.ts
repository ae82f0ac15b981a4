import { randomBytes } from 'node:crypto'
import type Dockerode from 'dockerode'
import { ContainerNotFoundError, ContainerNotRunningError, DockerApiError, ImageNotFoundError, RuntimeUnavailableError } from './errors.js'
import { exitReason, identityFromLabels, LABEL_SPEC_HASH } from './labels.js'
import type { ContainerInfo, ContainerSpec, ContainerState, ExitReason } from './types.js'

/** Docker's zero time, which it reports for a container that never started or finished. */
const ZERO_TIME = '0001-01-01T00:00:00Z'

/** Docker's own json-file log is bounded like the process runtime's: one 10 MB file plus one. */
const LOG_CONFIG = { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '2' } }

/** kubelet-like names, readable in `docker ps`; the random tail lets a replacement coexist with the old one. */
export function containerName(spec: ContainerSpec): string {
  const safe = (s: string): string => s.replace(/[^a-zA-Z0-9_.-]/g, '-')
  const parts = [spec.containerName, spec.podName, spec.namespace, spec.podUid.slice(0, 8)].map(safe)
  return `shoal_${parts.join('_')}_${randomBytes(3).toString('hex')}`
}

export function createOptions(spec: ContainerSpec, name: string, labels: Record<string, string>): Dockerode.ContainerCreateOptions {
  return {
    name,
    Image: spec.image,
    // Like Kubernetes: command replaces the entrypoint, args replace the image's CMD.
    Entrypoint: spec.command,
    Cmd: spec.args,
    Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
    WorkingDir: spec.workingDir,
    Labels: labels,
    Tty: false,
    OpenStdin: false,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    HostConfig: {
      NetworkMode: 'host',
      // shoal's reconciler restarts containers, with its own back-off; Docker must not.
      RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
      NanoCpus: spec.cpuMillis === undefined ? undefined : spec.cpuMillis * 1_000_000,
      Memory: spec.memoryBytes,
      LogConfig: LOG_CONFIG,
    },
  }
}

function time(value: string | undefined): string | undefined {
  return value === undefined || value === '' || value === ZERO_TIME ? undefined : value
}

function stateOf(state: Dockerode.ContainerInspectInfo['State']): ContainerState {
  switch (state.Status) {
    // A container whose command could not be started stays `created`, with the error recorded.
    case 'created':
      return state.Error === '' ? 'created' : 'exited'
    case 'running':
    case 'paused':
    case 'restarting':
      return 'running'
    case 'exited':
    case 'dead':
    case 'removing':
      return 'exited'
    default:
      return 'unknown'
  }
}

export function toInfo(inspect: Dockerode.ContainerInspectInfo): ContainerInfo {
  const labels = inspect.Config.Labels ?? {}
  const s = inspect.State
  const info: ContainerInfo = {
    id: inspect.Id,
    runtime: 'docker',
    ...identityFromLabels(labels),
    state: stateOf(s),
    createdAt: inspect.Created,
    labels,
  }
  const hash = labels[LABEL_SPEC_HASH]
  if (hash !== undefined) info.specHash = hash
  const startedAt = time(s.StartedAt)
  if (startedAt !== undefined) info.startedAt = startedAt
  if (s.Pid > 0) info.pid = s.Pid
  if (info.state === 'exited') {
    info.exitCode = s.ExitCode
    const reason: ExitReason = s.OOMKilled ? 'OOMKilled' : s.Status === 'created' ? 'ContainerCannotRun' : exitReason(s.ExitCode)
    info.reason = reason
    if (s.Error !== '') info.message = s.Error
    info.finishedAt = time(s.FinishedAt) ?? startedAt ?? inspect.Created
  }
  return info
}

/** What docker-modem puts on its errors. */
interface ModemError extends Error {
  statusCode?: number
  code?: string
  json?: { message?: string } | Buffer | string | null
}

export function statusCode(err: unknown): number | undefined {
  return (err as ModemError | undefined)?.statusCode
}

function detail(err: ModemError): string {
  const json = err.json
  if (json !== null && typeof json === 'object' && !Buffer.isBuffer(json) && typeof json.message === 'string') return json.message
  return err.message
}

const UNREACHABLE = new Set(['ENOENT', 'ECONNREFUSED', 'ECONNRESET', 'EACCES', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH'])

/** What the failed call was about; Docker's status codes mean different things per call. */
export type ErrorContext = { on: 'create'; image: string } | { on: 'container'; id: string } | { on: 'exec'; id: string } | { on: 'engine' }

/** Turn a docker-modem error into shoal's error classes, so callers branch on class. */
export function mapDockerError(err: unknown, ctx: ErrorContext): Error {
  if (!(err instanceof Error)) return new DockerApiError(undefined, String(err))
  const e = err as ModemError
  if (e.code !== undefined && UNREACHABLE.has(e.code)) return new RuntimeUnavailableError('docker', e.message, { cause: err })
  if (e.statusCode === 404 && ctx.on === 'create') return new ImageNotFoundError(ctx.image)
  if (e.statusCode === 404 && (ctx.on === 'container' || ctx.on === 'exec')) return new ContainerNotFoundError(ctx.id)
  if (e.statusCode === 409 && ctx.on === 'exec') return new ContainerNotRunningError(ctx.id)
  return new DockerApiError(e.statusCode, detail(e), { cause: err })
}
