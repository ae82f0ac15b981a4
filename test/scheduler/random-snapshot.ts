// Random but seeded snapshots for the determinism and invariant tests: small clusters with tight
// resources and narrow port ranges, so that every filter rejects something.
import { Prng } from '../../lib/prng.js'
import type { Allocation, PendingPod, SchedulerNode, SchedulingSnapshot } from '../../node/scheduler/index.js'

const RUNTIME_SETS = [['docker', 'process'], ['process'], ['docker'], []]
const ZONES = ['a', 'b', 'c']

function randomNode(i: number, prng: Prng): SchedulerNode {
  const min = 31000 + prng.int(0, 5)
  return {
    name: `n${i}`,
    ready: prng.chance(0.85),
    runtimes: [...prng.pick(RUNTIME_SETS)],
    labels: prng.chance(0.7) ? { zone: prng.pick(ZONES) } : {},
    allocatable: { cpuMillis: prng.int(0, 5) * 500, memoryBytes: prng.int(0, 5) * 1000 },
    ...(prng.chance(0.5) ? { portRange: { min, max: min + prng.int(0, 6) } } : {}),
  }
}

function randomAllocations(nodes: readonly SchedulerNode[], prng: Prng): Allocation[] {
  const allocations: Allocation[] = []
  for (const node of nodes) {
    const ports = prng.shuffle([80, 8080, 31000, 31001, 31002, 31003, 31004])
    for (let j = prng.int(0, 3); j > 0; j--) {
      allocations.push({
        podUid: `old-${node.name}-${j}`,
        node: node.name,
        cpuMillis: prng.int(0, 3) * 250,
        memoryBytes: prng.int(0, 3) * 250,
        hostPorts: prng.chance(0.5) ? [ports.pop()!] : [],
        ...(prng.chance(0.5) ? { ownerUid: `rc${prng.int(0, 3)}` } : {}),
      })
    }
  }
  return allocations
}

function randomPod(i: number, prng: Prng): PendingPod {
  const ports: PendingPod['ports'] = []
  for (let k = prng.int(0, 3); k > 0; k--) {
    ports.push(prng.chance(0.3) ? { container: 'c', containerPort: 80 + k, hostPort: prng.pick([80, 8080, 31002, 9000]) } : { container: 'c', name: `p${k}`, containerPort: 80 + k })
  }
  return {
    uid: `u${i}`,
    namespace: prng.pick(['default', 'prod']),
    name: `pod-${prng.int(0, 40)}`,
    createdAt: prng.int(0, 20),
    images: prng.chance(0.5),
    ...(prng.chance(0.2) ? { runtimeClassName: prng.pick(['docker', 'process']) } : {}),
    ...(prng.chance(0.6) ? { ownerUid: `rc${prng.int(0, 4)}` } : {}),
    nodeSelector: prng.chance(0.3) ? { zone: prng.pick(ZONES) } : {},
    requests: { cpuMillis: prng.int(0, 5) * 100, memoryBytes: prng.int(0, 5) * 100 },
    ports,
  }
}

export function randomSnapshot(seed: number): SchedulingSnapshot {
  const prng = new Prng(seed)
  const nodes = Array.from({ length: prng.int(0, 10) }, (_, i) => randomNode(i, prng))
  const allocations = randomAllocations(nodes, prng)
  const pending = Array.from({ length: prng.int(0, 60) }, (_, i) => randomPod(i, prng))
  return { nodes, allocations, pending }
}
