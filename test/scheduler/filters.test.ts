import { describe, expect, it } from 'vitest'
import { FEASIBILITY_CHAIN } from '../../node/scheduler/feasibility.js'
import { dynamicHostPorts, fixedHostPorts, NO_DYNAMIC_PORTS, PORTS_TAKEN, SERVICE_PORT_CONFLICT, servicePorts } from '../../node/scheduler/filters/host-ports.js'
import { nodeReady, NOT_READY } from '../../node/scheduler/filters/node-ready.js'
import { nodeSelector, SELECTOR_MISMATCH } from '../../node/scheduler/filters/node-selector.js'
import { INSUFFICIENT_CPU, INSUFFICIENT_MEMORY, resourcesFit } from '../../node/scheduler/filters/resources-fit.js'
import { resolveRuntime, runtimeAvailable } from '../../node/scheduler/filters/runtime-available.js'
import { NodeState } from '../../node/scheduler/node-state.js'
import { podRequest } from '../../node/scheduler/pod-request.js'
import { DEFAULT_PORT_RANGE } from '../../node/scheduler/schedule.js'
import type { PendingPod, SchedulerNode } from '../../node/scheduler/types.js'
import { GiB, MiB, node, pod } from './fixtures.js'

function state(over: Partial<SchedulerNode> = {}): NodeState {
  return new NodeState(node('n1', over), 0, DEFAULT_PORT_RANGE)
}

function request(over: Partial<PendingPod> = {}, defaultRuntime?: string): ReturnType<typeof podRequest> {
  return podRequest(pod('p', over), defaultRuntime)
}

describe('feasibility filters, each alone', () => {
  it('the chain runs cheap static checks before the ones that depend on the plan', () => {
    expect(FEASIBILITY_CHAIN).toEqual([nodeReady, runtimeAvailable, nodeSelector, servicePorts, fixedHostPorts, dynamicHostPorts, resourcesFit])
  })

  it('servicePorts rejects a fixed host port that a service listens on', () => {
    const withService = new NodeState(node('n1'), 0, DEFAULT_PORT_RANGE, 0, new Set([8080]))
    const fixed = (hostPort: number): Partial<PendingPod> => ({ ports: [{ container: 'web', containerPort: 80, hostPort }] })
    expect(servicePorts(request(fixed(8080)), withService)).toBe(SERVICE_PORT_CONFLICT)
    expect(servicePorts(request(fixed(8081)), withService)).toBeUndefined()
    expect(servicePorts(request(fixed(8080)), state())).toBeUndefined()
  })

  it('nodeReady rejects a node that is not ready', () => {
    expect(nodeReady(request(), state())).toBeUndefined()
    expect(nodeReady(request(), state({ ready: false }))).toBe(NOT_READY)
  })

  it('runtimeAvailable: an explicit runtime class must be offered as is', () => {
    const dockerOnly = state({ runtimes: ['docker'] })
    expect(runtimeAvailable(request({ runtimeClassName: 'docker' }), dockerOnly)).toBeUndefined()
    expect(runtimeAvailable(request({ runtimeClassName: 'process', images: true }), dockerOnly)).toBe("node(s) didn't have runtime process")
  })

  it('runtimeAvailable: a pod without images needs the process runtime', () => {
    expect(runtimeAvailable(request({ images: false }), state({ runtimes: ['docker'] }))).toBe("node(s) didn't have runtime process")
    expect(resolveRuntime(request({ images: false }), state())).toBe('process')
  })

  it('runtimeAvailable: a pod with images prefers docker and falls back to process', () => {
    expect(resolveRuntime(request({ images: true }), state({ runtimes: ['process', 'docker'] }))).toBe('docker')
    expect(resolveRuntime(request({ images: true }), state({ runtimes: ['process'] }))).toBe('process')
    expect(runtimeAvailable(request({ images: true }), state({ runtimes: [] }))).toBe("node(s) didn't have runtime docker or process")
  })

  it('runtimeAvailable: the default runtime option replaces the image rule, the pod class wins over it', () => {
    const processOnly = state({ runtimes: ['process'] })
    expect(runtimeAvailable(request({ images: true }, 'docker'), processOnly)).toBe("node(s) didn't have runtime docker")
    expect(resolveRuntime(request({ runtimeClassName: 'process' }, 'docker'), processOnly)).toBe('process')
  })

  it('nodeSelector needs every entry to equal the node label', () => {
    const labelled = state({ labels: { zone: 'a', disk: 'ssd' } })
    expect(nodeSelector(request({ nodeSelector: {} }), labelled)).toBeUndefined()
    expect(nodeSelector(request({ nodeSelector: { zone: 'a', disk: 'ssd' } }), labelled)).toBeUndefined()
    expect(nodeSelector(request({ nodeSelector: { zone: 'a', disk: 'hdd' } }), labelled)).toBe(SELECTOR_MISMATCH)
    expect(nodeSelector(request({ nodeSelector: { gpu: 'yes' } }), labelled)).toBe(SELECTOR_MISMATCH)
    // Label values are strings; a key inherited from Object.prototype must not match.
    expect(nodeSelector(request({ nodeSelector: { constructor: 'x' } }), labelled)).toBe(SELECTOR_MISMATCH)
  })

  it('fixedHostPorts rejects a node where the port is taken, and a pod that asks for one port twice', () => {
    const n = state()
    n.reserve({ cpuMillis: 0, memoryBytes: 0, hostPorts: [8080] })
    const wants = (hostPort: number): PendingPod['ports'] => [{ container: 'c', containerPort: 80, hostPort }]
    expect(fixedHostPorts(request({ ports: wants(8081) }), n)).toBeUndefined()
    expect(fixedHostPorts(request({ ports: wants(8080) }), n)).toBe(PORTS_TAKEN)
    const twice = [...wants(9000), { container: 'd', containerPort: 81, hostPort: 9000 }]
    expect(fixedHostPorts(request({ ports: twice }), state())).toBe(PORTS_TAKEN)
  })

  it('dynamicHostPorts counts free ports in range, minus the fixed ports the pod itself takes from it', () => {
    const n = state({ portRange: { min: 31000, max: 31002 } })
    n.reserve({ cpuMillis: 0, memoryBytes: 0, hostPorts: [31001, 8080] })
    const dynamic = (count: number): PendingPod['ports'] => Array.from({ length: count }, (_, i) => ({ container: 'c', containerPort: 80 + i }))
    expect(dynamicHostPorts(request({ ports: dynamic(2) }), n)).toBeUndefined()
    expect(dynamicHostPorts(request({ ports: dynamic(3) }), n)).toBe(NO_DYNAMIC_PORTS)
    const fixedInRange = [...dynamic(2), { container: 'c', containerPort: 90, hostPort: 31000 }]
    expect(dynamicHostPorts(request({ ports: fixedInRange }), n)).toBe(NO_DYNAMIC_PORTS)
    expect(dynamicHostPorts(request({ ports: [] }), state({ portRange: { min: 1, max: 0 } }))).toBeUndefined()
  })

  it('resourcesFit compares requests with allocatable minus reservations, cpu before memory', () => {
    const n = state({ allocatable: { cpuMillis: 1000, memoryBytes: GiB } })
    n.reserve({ cpuMillis: 600, memoryBytes: 512 * MiB, hostPorts: [] })
    expect(resourcesFit(request({ requests: { cpuMillis: 400, memoryBytes: 512 * MiB } }), n)).toBeUndefined()
    expect(resourcesFit(request({ requests: { cpuMillis: 401, memoryBytes: 0 } }), n)).toBe(INSUFFICIENT_CPU)
    expect(resourcesFit(request({ requests: { cpuMillis: 0, memoryBytes: 512 * MiB + 1 } }), n)).toBe(INSUFFICIENT_MEMORY)
    expect(resourcesFit(request({ requests: { cpuMillis: 401, memoryBytes: GiB } }), n)).toBe(INSUFFICIENT_CPU)
  })
})
