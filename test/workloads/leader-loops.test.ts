import * as Y from 'yjs'
import { afterEach, describe, expect, it } from 'vitest'
import type { RaftNode } from '../../consensus/driver/raft-node.js'
import { ObjectStore } from '../../crdt/index.js'
import { AllocationTable } from '../../node/allocation/allocation-table.js'
import type { Binding } from '../../node/allocation/commands.js'
import { encodeCommand } from '../../node/allocation/commands.js'
import { silentLogger } from '../../node/logger.js'
import type { Member } from '../../node/membership/member-table.js'
import type { Pod, PodStatus } from '../../node/objects/pod.js'
import type { EventSink } from '../../node/workloads/events/event-sink.js'
import type { LeaderLoop } from '../../node/leader/leader-loop.js'
import { GcLoop } from '../../node/workloads/leader/gc-loop.js'
import { LifecycleLoop } from '../../node/workloads/leader/lifecycle-loop.js'
import { SchedulingLoop } from '../../node/workloads/leader/scheduling-loop.js'
import { sleep, waitFor } from '../harness/wait.js'
import type { RecordedEvent } from './reconciler-harness.js'

/** A store, an allocation table and a raft stand-in that applies every proposal at once. */
class Fixture {
  readonly store = new ObjectStore({ doc: new Y.Doc(), logger: silentLogger() })
  readonly allocations = new AllocationTable()
  readonly events: RecordedEvent[] = []
  readonly sink: EventSink = { record: (ref, type, reason, message) => this.events.push({ ref, type, reason, message }) }
  readonly proposals: string[] = []
  private index = 0
  readonly raft = {
    isReadyLeader: true,
    status: () => ({ term: 1 }),
    propose: async (bytes: Uint8Array) => {
      this.proposals.push(new TextDecoder().decode(bytes))
      return this.allocations.apply(bytes, ++this.index)
    },
  } as unknown as RaftNode
  loops: LeaderLoop[] = []

  constructor() {
    this.store.start()
  }

  async pod(name: string, spec: Record<string, unknown> = {}): Promise<Pod> {
    const spec0 = { containers: [{ name: 'main', command: ['true'] }], ...spec }
    return (await this.store.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: spec0 } as never)) as unknown as Pod
  }

  bind(pod: Pod, nodeId = 'peer-a', nodeName = 'a'): Binding {
    const b: Binding = { podUid: pod.metadata.uid!, namespace: 'default', name: pod.metadata.name, nodeId, nodeName, cpuMillis: 500, memoryBytes: 1024, hostPorts: [30001], ports: [] }
    this.allocations.apply(encodeCommand({ op: 'bind', bindings: [b] }), ++this.index)
    return b
  }

  async status(pod: Pod, status: PodStatus): Promise<void> {
    await this.store.updateStatus('pods', 'default', pod.metadata.name, status as never)
  }

  activate<L extends LeaderLoop>(loop: L): L {
    this.loops.push(loop)
    loop.activate()
    return loop
  }

  async close(): Promise<void> {
    for (const l of this.loops) await l.deactivate()
    this.store.stop()
  }
}

let f: Fixture | undefined

afterEach(async () => {
  await f?.close()
  f = undefined
})

function member(peerId: string, name: string, state: Member['state'], since = 0): Member {
  return {
    heartbeat: { v: 1, name, peerId, p2p: [], api: '', capacity: { cpuMillis: 1000, memoryBytes: 1 << 30 }, allocatable: { cpuMillis: 1000, memoryBytes: 1 << 30 }, usage: { memoryBytes: 0, load1: 0 }, labels: {}, runtimes: ['process'], version: '', startedAt: '', seq: 1 },
    state,
    lastSeen: since,
    since,
    self: false,
  }
}

describe('GcLoop: resources of finished and deleted pods', () => {
  it('releases the binding of a pod its node reports finished, keeping its phase and node name', async () => {
    f = new Fixture()
    const job = await f.pod('job', { restartPolicy: 'Never' })
    const running = await f.pod('svc')
    f.bind(job)
    f.bind(running, 'peer-b', 'b')
    await f.status(job, { phase: 'Succeeded', observedBy: 'peer-a' })
    await f.status(running, { phase: 'Running', observedBy: 'peer-b' })
    f.activate(new GcLoop({ store: f.store, allocations: f.allocations, raft: f.raft, logger: silentLogger() }, { resyncMs: 50 }))
    await waitFor(() => f!.allocations.get(job.metadata.uid!) === undefined, { message: 'finished pod unbound' })
    expect(f.allocations.usage('peer-a')).toEqual({ cpuMillis: 0, memoryBytes: 0, pods: 0, ports: [] })
    expect(f.allocations.get(running.metadata.uid!)).toBeDefined()
    const stored = f.store.get('pods', 'default', 'job') as unknown as Pod
    expect(stored.spec.nodeName).toBe('a')
    expect(stored.status?.phase).toBe('Succeeded')
    expect(f.proposals.some((p) => p.includes('"reason":"pod finished"'))).toBe(true)
  })

  it('does not release on a finished status written by another node than the bound one', async () => {
    f = new Fixture()
    const pod = await f.pod('moved', { restartPolicy: 'Never' })
    f.bind(pod, 'peer-b', 'b')
    await f.status(pod, { phase: 'Failed', observedBy: 'peer-a' })
    f.activate(new GcLoop({ store: f.store, allocations: f.allocations, raft: f.raft, logger: silentLogger() }, { resyncMs: 50 }))
    await sleep(300)
    expect(f.allocations.get(pod.metadata.uid!)).toBeDefined()
  })

  it('releases a deleted pod at once when it saw the deletion, and an unexplained absence only after settling', async () => {
    f = new Fixture()
    const gone = await f.pod('gone')
    f.bind(gone)
    const gc = f.activate(new GcLoop({ store: f.store, allocations: f.allocations, raft: f.raft, logger: silentLogger() }, { resyncMs: 50, settleMs: 60_000 }))
    await f.store.delete('pods', 'default', 'gone')
    await sleep(200)
    expect(f.allocations.get(gone.metadata.uid!)).toBeDefined()
    gc.podDeleted(gone.metadata.uid!)
    await waitFor(() => f!.allocations.get(gone.metadata.uid!) === undefined, { timeoutMs: 2000, message: 'unbound right after the deletion' })
  })

  it("deletes an RC's pods at once when it saw the RC deleted, else only after settling", async () => {
    f = new Fixture()
    const rc = (await f.store.create('replicationcontrollers', {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 1, selector: { app: 'web' }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'main', command: ['true'] }] } } },
    } as never)) as unknown as Pod
    const ref = { apiVersion: 'v1', kind: 'ReplicationController', name: 'web', uid: rc.metadata.uid!, controller: true }
    await f.store.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'default', ownerReferences: [ref] }, spec: { containers: [{ name: 'main', command: ['true'] }] } } as never)
    const gc = f.activate(new GcLoop({ store: f.store, allocations: f.allocations, raft: f.raft, logger: silentLogger() }, { resyncMs: 50, settleMs: 60_000 }))
    await f.store.delete('replicationcontrollers', 'default', 'web')
    await sleep(200)
    expect(f.store.get('pods', 'default', 'web-1')).toBeDefined()
    gc.ownerDeleted(rc.metadata.uid!)
    await waitFor(() => f!.store.get('pods', 'default', 'web-1') === undefined, { timeoutMs: 2000, message: 'orphan deleted at once' })
  })

  it('deletes finished pods past finishedTtlMs, and keeps them without one', async () => {
    f = new Fixture()
    const old = await f.pod('old', { restartPolicy: 'Never' })
    const finishedAt = new Date(Date.now() - 120_000).toISOString()
    await f.status(old, { phase: 'Succeeded', observedBy: 'peer-a', containerStatuses: [{ name: 'main', state: { terminated: { exitCode: 0, finishedAt } }, ready: false, restartCount: 0, image: '' }] })
    f.activate(new GcLoop({ store: f.store, allocations: f.allocations, raft: f.raft, logger: silentLogger() }, { resyncMs: 50 }))
    await sleep(200)
    expect(f.store.get('pods', 'default', 'old')).toBeDefined()
    f.activate(new GcLoop({ store: f.store, allocations: f.allocations, raft: f.raft, logger: silentLogger() }, { resyncMs: 50, finishedTtlMs: 60_000 }))
    await waitFor(() => f!.store.get('pods', 'default', 'old') === undefined, { message: 'finished pod collected' })
  })
})

describe('LifecycleLoop', () => {
  it('records NodeNotReady on the Node as well as on its pods', async () => {
    f = new Fixture()
    const pod = await f.pod('web-1')
    f.bind(pod, 'peer-b', 'b')
    const members = [member('peer-b', 'b', 'down', Date.now())]
    f.activate(new LifecycleLoop({ allocations: f.allocations, raft: f.raft, members: () => members, events: f.sink, logger: silentLogger(), ping: async () => false }, { resyncMs: 50, rescheduleAfterMs: 60_000 }))
    await waitFor(() => f!.events.length >= 2)
    const node = f.events.find((e) => e.ref.kind === 'Node')
    expect(node).toMatchObject({ ref: { kind: 'Node', name: 'b' }, reason: 'NodeNotReady', message: 'Node b status is now: NodeNotReady' })
    expect(node!.ref.namespace).toBeUndefined()
    expect(f.events.some((e) => e.ref.kind === 'Pod' && e.ref.name === 'web-1' && e.reason === 'NodeNotReady')).toBe(true)
  })

  it('unbinds the pods of a node that left only after the left grace, and not while it answers a ping', async () => {
    f = new Fixture()
    const pod = await f.pod('web-1')
    f.bind(pod, 'peer-b', 'b')
    const leftAt = Date.now()
    const members = [member('peer-b', 'b', 'left', leftAt)]
    let answers = false
    f.activate(
      new LifecycleLoop(
        { allocations: f.allocations, raft: f.raft, members: () => members, events: f.sink, logger: silentLogger(), ping: async () => answers },
        { resyncMs: 50, rescheduleAfterMs: 100, rescheduleLeftAfterMs: 600 },
      ),
    )
    await waitFor(() => f!.events.some((e) => e.reason === 'NodeNotReady'))
    // Past the down grace, within the left grace: still bound.
    await sleep(400 - (Date.now() - leftAt))
    expect(f.allocations.get(pod.metadata.uid!)).toBeDefined()
    // Past both graces, while the node answers a ping (it restarted): still bound.
    answers = true
    await sleep(900 - (Date.now() - leftAt))
    expect(f.allocations.get(pod.metadata.uid!)).toBeDefined()
    answers = false
    await waitFor(() => f!.allocations.get(pod.metadata.uid!) === undefined, { message: 'unbound once it stops answering' })
    expect(f.events.find((e) => e.reason === 'Rescheduled')).toMatchObject({ ref: { name: 'web-1' }, message: 'node b left the cluster' })
  })
})

describe('SchedulingLoop', () => {
  const loop = (f: Fixture, members: Member[], failureRepeatMs?: number): SchedulingLoop =>
    new SchedulingLoop(
      { store: f.store, allocations: f.allocations, raft: f.raft, members: () => members, events: f.sink, logger: silentLogger() },
      { resyncMs: 30, ...(failureRepeatMs !== undefined ? { failureRepeatMs } : {}) },
    )

  it('reports an unchanged FailedScheduling once per repeat interval, not every round', async () => {
    f = new Fixture()
    await f.pod('picky', { nodeSelector: { disk: 'ssd' } })
    f.activate(loop(f, [member('peer-a', 'a', 'alive')]))
    await sleep(500)
    const failed = f.events.filter((e) => e.reason === 'FailedScheduling')
    expect(failed).toHaveLength(1)
    expect(failed[0]!.message).toBe("0/1 nodes are available: 1 node(s) didn't match node selector.")
    const pod = f.store.get('pods', 'default', 'picky') as unknown as Pod
    expect(pod.status?.conditions).toEqual([expect.objectContaining({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: failed[0]!.message })])
  })

  it('treats service ports as taken on every node', async () => {
    f = new Fixture()
    await f.store.create('services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: { ports: [{ port: 30123 }] } } as never)
    await f.pod('fixed', { containers: [{ name: 'main', command: ['true'], ports: [{ containerPort: 80, hostPort: 30123 }] }] })
    f.activate(loop(f, [member('peer-a', 'a', 'alive'), member('peer-b', 'b', 'alive')]))
    const e = await waitFor(() => f!.events.find((x) => x.reason === 'FailedScheduling'))
    expect(e.message).toBe('0/2 nodes are available: 2 node(s) had a requested host port that conflicts with a service port.')
  })
})
