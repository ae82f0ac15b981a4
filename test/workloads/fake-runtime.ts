import { ContainerNotFoundError, ImagePullError } from '../../node/runtime/errors.js'
import { managedLabels, specHash } from '../../node/runtime/labels.js'
import type { ContainerInfo, ContainerRuntime, ContainerSpec, ExecResult, PullProgress, RuntimeName } from '../../node/runtime/types.js'

/**
 * An in-memory runtime for reconciler tests: containers "run" until told to exit, and list(),
 * image pulls and creates can be made to fail on demand.
 */
export class FakeRuntime implements ContainerRuntime {
  readonly containers = new Map<string, ContainerInfo>()
  readonly created: ContainerSpec[] = []
  readonly removedPods: string[] = []
  /** Images present without a pull. */
  readonly images = new Set<string>()
  listFails = false
  /** When set, ensureImage reports these progress lines, then fails with this message or succeeds. */
  pull: { progress: PullProgress[]; fail?: string } = { progress: [] }
  pullAttempts = 0
  private next = 0

  constructor(readonly name: RuntimeName = 'process') {}

  start(): void {}
  stop(): void {}

  async available(): Promise<boolean> {
    return true
  }

  async list(): Promise<ContainerInfo[]> {
    if (this.listFails) throw new Error('list failed: the engine did not answer')
    return [...this.containers.values()].map((c) => ({ ...c }))
  }

  async create(spec: ContainerSpec): Promise<ContainerInfo> {
    this.created.push(spec)
    const now = new Date().toISOString()
    const info: ContainerInfo = {
      id: `c${++this.next}`,
      runtime: this.name,
      podUid: spec.podUid,
      podName: spec.podName,
      namespace: spec.namespace,
      containerName: spec.containerName,
      state: 'running',
      createdAt: now,
      startedAt: now,
      specHash: specHash(spec),
      labels: { ...spec.labels, ...managedLabels(spec) },
    }
    this.containers.set(info.id, info)
    return { ...info }
  }

  /** Make a running container exit with this code. */
  exit(id: string, code: number): void {
    const c = this.containers.get(id)
    if (c === undefined) throw new ContainerNotFoundError(id)
    this.containers.set(id, { ...c, state: 'exited', exitCode: code, reason: code === 0 ? 'Completed' : 'Error', finishedAt: new Date().toISOString() })
  }

  async terminate(id: string): Promise<void> {
    const c = this.containers.get(id)
    if (c === undefined) throw new ContainerNotFoundError(id)
    if (c.state === 'running') this.exit(id, 143)
  }

  async remove(id: string): Promise<void> {
    if (!this.containers.delete(id)) throw new ContainerNotFoundError(id)
  }

  async inspect(id: string): Promise<ContainerInfo | undefined> {
    return this.containers.get(id)
  }

  async *logs(id: string): AsyncIterable<Uint8Array> {
    if (!this.containers.has(id)) throw new ContainerNotFoundError(id)
    yield new TextEncoder().encode(`logs of ${id}\n`)
  }

  async exec(): Promise<ExecResult> {
    return { exitCode: 0, output: '' }
  }

  async ensureImage(image: string, onProgress?: (p: PullProgress) => void): Promise<void> {
    if (this.images.has(image)) return
    this.pullAttempts++
    for (const p of this.pull.progress) onProgress?.(p)
    if (this.pull.fail !== undefined) throw new ImagePullError(image, this.pull.fail)
    this.images.add(image)
  }

  async removePod(podUid: string): Promise<void> {
    this.removedPods.push(podUid)
  }
}
