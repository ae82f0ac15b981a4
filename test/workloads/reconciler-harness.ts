import * as Y from 'yjs'
import { ObjectStore } from '../../crdt/index.js'
import { AllocationTable } from '../../node/allocation/allocation-table.js'
import type { Binding } from '../../node/allocation/commands.js'
import { encodeCommand } from '../../node/allocation/commands.js'
import { silentLogger } from '../../node/logger.js'
import type { Pod, PodSpec } from '../../node/objects/pod.js'
import type { EventSink, ObjectRef } from '../../node/workloads/events/event-sink.js'
import type { ReconcilerInit } from '../../node/workloads/reconciler/reconciler.js'
import { Reconciler } from '../../node/workloads/reconciler/reconciler.js'
import { FakeRuntime } from './fake-runtime.js'

export const SELF = { id: 'peer-self', name: 'self', ip: '127.0.0.1' }

export interface RecordedEvent {
  ref: ObjectRef
  type: string
  reason: string
  message: string
}

/** A reconciler on a store and allocation table of its own, with a fake runtime. */
export class ReconcilerHarness {
  readonly store = new ObjectStore({ doc: new Y.Doc(), logger: silentLogger() })
  readonly allocations = new AllocationTable()
  readonly runtime = new FakeRuntime('docker')
  readonly events: RecordedEvent[] = []
  reconciler: Reconciler
  /** The allocation table's catch-up read; by default it is current at once. */
  catchUp: () => Promise<void> = async () => {}
  private index = 0
  private readonly sink: EventSink = { record: (ref, type, reason, message) => this.events.push({ ref, type, reason, message }) }

  constructor(private readonly init: ReconcilerInit = {}) {
    this.reconciler = this.newReconciler()
  }

  start(): this {
    this.store.start()
    this.reconciler.start()
    return this
  }

  /**
   * What an agent restart does to the reconciler: a new one over the same runtime and state.
   * `whileDown` changes the state between stop and start.
   */
  async restartReconciler(whileDown: () => void | Promise<void> = () => undefined): Promise<Reconciler> {
    await this.reconciler.stop()
    await whileDown()
    this.reconciler = this.newReconciler()
    this.reconciler.start()
    return this.reconciler
  }

  async stop(): Promise<void> {
    await this.reconciler.stop()
    this.store.stop()
  }

  private newReconciler(): Reconciler {
    return new Reconciler(
      { store: this.store, allocations: this.allocations, runtimes: [this.runtime], events: this.sink, logger: silentLogger(), self: SELF, catchUp: () => this.catchUp() },
      { resyncMs: 50, backoff: { baseMs: 200, maxMs: 1000 }, ...this.init },
    )
  }

  /** Create the pod and bind it to this node; returns its uid. */
  async podBoundHere(name: string, spec: Partial<PodSpec> = {}): Promise<string> {
    const created = (await this.store.create('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default' },
      spec: { containers: [{ name: 'main', image: 'example/app:1', command: ['sleep', '60'] }], ...spec },
    } as never)) as unknown as Pod
    const uid = created.metadata.uid!
    this.bind(name, uid)
    return uid
  }

  /** Bind an existing pod to this node. */
  bind(name: string, uid: string): void {
    const binding: Binding = { podUid: uid, namespace: 'default', name, nodeId: SELF.id, nodeName: SELF.name, cpuMillis: 0, memoryBytes: 0, hostPorts: [], ports: [], runtime: 'docker' }
    this.allocations.apply(encodeCommand({ op: 'bind', bindings: [binding] }), ++this.index)
  }

  unbind(uid: string): void {
    this.allocations.apply(encodeCommand({ op: 'unbind', podUids: [uid], reason: 'test' }), ++this.index)
  }

  pod(name: string): Pod {
    return this.store.get('pods', 'default', name) as unknown as Pod
  }

  reasons(): string[] {
    return this.events.map((e) => e.reason)
  }
}
