import type { Prng } from '../../lib/prng.js'
import { compareText } from './text-order.js'
import type { Allocation, PortRange, SchedulerNode } from './types.js'

/**
 * One node's working state during a plan: what the committed allocations use, plus what this plan
 * has placed so far. Built once per plan and updated on every placement, so filters and scores
 * are O(1) per node instead of re-summing the allocation table for each pod.
 */
export class NodeState {
  /** Position in the plan's shuffled node order; indexes the per-pod arrays of the plan. */
  readonly index: number
  readonly name: string
  readonly ready: boolean
  readonly runtimes: ReadonlySet<string>
  readonly labels: ReadonlyMap<string, string>
  readonly allocCpu: number
  readonly allocMem: number
  readonly portMin: number
  readonly portMax: number
  private usedCpu = 0
  private usedMem = 0
  private readonly usedPorts = new Set<number>()
  /** Service ports: held by the proxy on every node, shared by all NodeStates of a plan. */
  private readonly servicePorts: ReadonlySet<number>
  /** Free ports left in [portMin, portMax]. */
  private freeInRange: number
  /** Where the next dynamic-port scan starts, as an offset from portMin; it wraps around. */
  private portCursor: number
  /** Offsets scanned so far: everything scanned is used, since a plan only takes ports. */
  private scanned = 0

  /** `portStart` (0 ≤ start < range size) is where this plan starts looking for free ports. */
  constructor(node: SchedulerNode, index: number, defaultRange: PortRange, portStart = 0, servicePorts: ReadonlySet<number> = new Set()) {
    this.index = index
    this.name = node.name
    this.ready = node.ready
    this.runtimes = new Set(node.runtimes)
    this.labels = new Map(Object.entries(node.labels))
    this.allocCpu = node.allocatable.cpuMillis
    this.allocMem = node.allocatable.memoryBytes
    const range = node.portRange ?? defaultRange
    this.portMin = range.min
    this.portMax = range.max
    this.freeInRange = Math.max(0, range.max - range.min + 1)
    this.portCursor = this.freeInRange === 0 ? 0 : portStart % this.freeInRange
    this.servicePorts = servicePorts
    // Taken from the start, so the dynamic-port scan and the free count skip them.
    for (const port of servicePorts) this.usePort(port)
  }

  get freeCpu(): number {
    return this.allocCpu - this.usedCpu
  }

  get freeMem(): number {
    return this.allocMem - this.usedMem
  }

  isPortUsed(port: number): boolean {
    return this.usedPorts.has(port)
  }

  isServicePort(port: number): boolean {
    return this.servicePorts.has(port)
  }

  inPortRange(port: number): boolean {
    return port >= this.portMin && port <= this.portMax
  }

  /** Free ports left in the dynamic range. */
  freeDynamicPorts(): number {
    return this.freeInRange
  }

  reserve(a: { cpuMillis: number; memoryBytes: number; hostPorts: readonly number[] }): void {
    this.usedCpu += a.cpuMillis
    this.usedMem += a.memoryBytes
    for (const port of a.hostPorts) this.usePort(port)
  }

  /**
   * Free ports scanning from a seeded random point of the range (as Nomad does). Handing out the
   * lowest free port would give a new pod the very port a just-unbound pod may still hold while
   * its node stops it, since pods share the host network.
   */
  takeDynamicPorts(count: number): number[] {
    const taken: number[] = []
    const span = this.portMax - this.portMin + 1
    while (taken.length < count && this.scanned < span) {
      const port = this.portMin + this.portCursor
      this.portCursor = (this.portCursor + 1) % span
      this.scanned++
      if (this.usedPorts.has(port)) continue
      this.usePort(port)
      taken.push(port)
    }
    if (taken.length < count) throw new Error(`node ${this.name} ran out of host ports; the port filter should have rejected it`)
    return taken
  }

  private usePort(port: number): void {
    if (this.usedPorts.has(port)) return
    this.usedPorts.add(port)
    if (this.inPortRange(port)) this.freeInRange--
  }
}

/**
 * Node states in a seeded shuffle of name order: scanning in this order and keeping the first of
 * equally ranked nodes breaks ties at random, yet the same seed replays them, whatever order the
 * snapshot listed the nodes in. The first node of a duplicated name wins.
 */
export function buildNodeStates(
  nodes: readonly SchedulerNode[],
  allocations: readonly Allocation[],
  defaultRange: PortRange,
  prng: Prng,
  servicePorts: ReadonlySet<number> = new Set(),
): NodeState[] {
  const unique = new Map<string, SchedulerNode>()
  for (const node of nodes) if (!unique.has(node.name)) unique.set(node.name, node)
  const byNameOrder = [...unique.values()].sort((a, b) => compareText(a.name, b.name))
  const states = prng.shuffle(byNameOrder).map((node, i) => {
    const range = node.portRange ?? defaultRange
    return new NodeState(node, i, defaultRange, prng.int(0, Math.max(1, range.max - range.min + 1)), servicePorts)
  })
  const byName = new Map(states.map((s) => [s.name, s]))
  // Allocations on nodes missing from the snapshot are ignored: those nodes cannot take pods.
  for (const a of allocations) byName.get(a.node)?.reserve(a)
  return states
}
