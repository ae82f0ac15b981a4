import type { StateMachine } from '../../consensus/driver/state-machine.js'
import type { AllocationCommand, Binding } from './commands.js'
import { decodeCommand, InvalidCommandError } from './commands.js'

export interface BindResult {
  bound: string[]
  /** podUid → why the state machine refused it (already bound, port taken). */
  rejected: Record<string, string>
}

export interface UnbindResult {
  unbound: string[]
}

export type ApplyResult = BindResult | UnbindResult | { error: string }

export interface AllocationChange {
  index: number
  bound: Binding[]
  unbound: Binding[]
}

interface NodeUsage {
  pods: Set<string>
  ports: Set<number>
  cpuMillis: number
  memoryBytes: number
}

/**
 * The committed allocation table: which pod instance runs on which node, with its host ports and
 * reserved resources. It is the Raft state machine, so every node holds the same table, and it
 * re-checks what the scheduler already checked (a pod is bound at most once, a host port at most
 * once per node) because two plans can race through the log; only the first one wins.
 */
export class AllocationTable implements StateMachine {
  private readonly bindings = new Map<string, Binding>()
  private readonly nodes = new Map<string, NodeUsage>()
  private readonly listeners = new Set<(change: AllocationChange) => void>()
  private appliedIndex = 0

  get index(): number {
    return this.appliedIndex
  }

  apply(command: Uint8Array, index: number): ApplyResult {
    this.appliedIndex = index
    let cmd: AllocationCommand
    try {
      cmd = decodeCommand(command)
    } catch (err) {
      if (err instanceof InvalidCommandError) return { error: err.message }
      throw err
    }
    return cmd.op === 'bind' ? this.bind(cmd.bindings, index) : this.unbind(cmd.podUids, index)
  }

  snapshot(): Uint8Array {
    const sorted = [...this.bindings.values()].sort((a, b) => (a.podUid < b.podUid ? -1 : 1))
    return new TextEncoder().encode(JSON.stringify({ v: 1, bindings: sorted }))
  }

  restore(snapshot: Uint8Array, index: number): void {
    const before = [...this.bindings.values()]
    this.bindings.clear()
    this.nodes.clear()
    const data = snapshot.byteLength === 0 ? { bindings: [] } : (JSON.parse(new TextDecoder().decode(snapshot)) as { bindings: Binding[] })
    for (const b of data.bindings) this.add(b)
    this.appliedIndex = index
    const after = new Set(this.bindings.keys())
    this.emit({ index, bound: [...this.bindings.values()], unbound: before.filter((b) => !after.has(b.podUid)) })
  }

  get(podUid: string): Binding | undefined {
    return this.bindings.get(podUid)
  }

  all(): Binding[] {
    return [...this.bindings.values()]
  }

  onNode(nodeId: string): Binding[] {
    return [...(this.nodes.get(nodeId)?.pods ?? [])].map((uid) => this.bindings.get(uid)!)
  }

  usage(nodeId: string): { cpuMillis: number; memoryBytes: number; pods: number; ports: number[] } {
    const u = this.nodes.get(nodeId)
    return { cpuMillis: u?.cpuMillis ?? 0, memoryBytes: u?.memoryBytes ?? 0, pods: u?.pods.size ?? 0, ports: [...(u?.ports ?? [])] }
  }

  get size(): number {
    return this.bindings.size
  }

  /** Called after every applied change, on every node (the reconciler and API listen). */
  subscribe(fn: (change: AllocationChange) => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  private bind(list: Binding[], index: number): BindResult {
    const result: BindResult = { bound: [], rejected: {} }
    const bound: Binding[] = []
    for (const b of list) {
      if (this.bindings.has(b.podUid)) {
        result.rejected[b.podUid] = `already bound to ${this.bindings.get(b.podUid)!.nodeName}`
        continue
      }
      const used = this.nodes.get(b.nodeId)?.ports
      const clash = b.hostPorts.find((p) => used?.has(p))
      if (clash !== undefined) {
        result.rejected[b.podUid] = `host port ${clash} is already allocated on ${b.nodeName}`
        continue
      }
      this.add(b)
      bound.push(b)
      result.bound.push(b.podUid)
    }
    if (bound.length > 0) this.emit({ index, bound, unbound: [] })
    return result
  }

  private unbind(podUids: string[], index: number): UnbindResult {
    const unbound: Binding[] = []
    for (const uid of podUids) {
      const b = this.bindings.get(uid)
      if (b === undefined) continue
      this.bindings.delete(uid)
      const u = this.nodes.get(b.nodeId)!
      u.pods.delete(uid)
      for (const p of b.hostPorts) u.ports.delete(p)
      u.cpuMillis -= b.cpuMillis
      u.memoryBytes -= b.memoryBytes
      if (u.pods.size === 0) this.nodes.delete(b.nodeId)
      unbound.push(b)
    }
    if (unbound.length > 0) this.emit({ index, bound: [], unbound })
    return { unbound: unbound.map((b) => b.podUid) }
  }

  private add(b: Binding): void {
    this.bindings.set(b.podUid, b)
    let u = this.nodes.get(b.nodeId)
    if (u === undefined) {
      u = { pods: new Set(), ports: new Set(), cpuMillis: 0, memoryBytes: 0 }
      this.nodes.set(b.nodeId, u)
    }
    u.pods.add(b.podUid)
    for (const p of b.hostPorts) u.ports.add(p)
    u.cpuMillis += b.cpuMillis
    u.memoryBytes += b.memoryBytes
  }

  private emit(change: AllocationChange): void {
    for (const fn of this.listeners) fn(change)
  }
}
