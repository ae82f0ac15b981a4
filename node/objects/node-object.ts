import { arch, platform } from 'node:os'
import type { Member } from '../membership/member-table.js'
import { formatCpu, formatMemory } from './quantity.js'

export interface NodeCondition {
  type: string
  status: 'True' | 'False' | 'Unknown'
  reason: string
  message: string
  lastHeartbeatTime: string
  lastTransitionTime: string
}

export interface NodeObject {
  apiVersion: 'v1'
  kind: 'Node'
  metadata: {
    name: string
    uid: string
    labels: Record<string, string>
    annotations: Record<string, string>
    creationTimestamp: string
    resourceVersion: string
  }
  spec: { unschedulable?: boolean }
  status: {
    capacity: Record<string, string>
    allocatable: Record<string, string>
    addresses: { type: string; address: string }[]
    conditions: NodeCondition[]
    nodeInfo: Record<string, string>
    phase?: string
  }
}

export const SHOAL_VERSION = '0.1.0'

/** What the Ready condition says for each membership state, in Kubernetes' words. */
function readyCondition(m: Member): Pick<NodeCondition, 'status' | 'reason' | 'message'> {
  switch (m.state) {
    case 'alive':
      return { status: 'True', reason: 'AgentReady', message: 'shoal agent is posting heartbeats' }
    case 'suspect':
      return { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'heartbeats are late; the node is suspected down' }
    case 'down':
      return { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'no heartbeat within the failure window; the node is down' }
    case 'left':
      return { status: 'False', reason: 'NodeLeft', message: 'the node left the cluster gracefully' }
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, '')
  } catch {
    return ''
  }
}

/** A member as a Kubernetes Node, so kubectl and client libraries can read it. */
export function memberToNode(m: Member): NodeObject {
  const hb = m.heartbeat
  const cond = readyCondition(m)
  const resources = (r: { cpuMillis: number; memoryBytes: number }): Record<string, string> => ({
    cpu: formatCpu(r.cpuMillis),
    memory: formatMemory(r.memoryBytes),
    pods: '110',
  })
  const ip = hostOf(hb.api)
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: hb.name,
      uid: hb.peerId,
      labels: {
        'kubernetes.io/hostname': hb.name,
        'kubernetes.io/os': platform(),
        'kubernetes.io/arch': arch() === 'x64' ? 'amd64' : arch(),
        ...hb.labels,
        'shoal.io/hostname': hb.name,
        ...(hb.raft !== undefined ? { 'shoal.io/raft-role': hb.raft.role === 'leader' ? 'leader' : (hb.raft.member ?? 'none') } : {}),
      },
      annotations: {
        'shoal.io/peer-id': hb.peerId,
        'shoal.io/api': hb.api,
        'shoal.io/p2p': hb.p2p.join(','),
        'shoal.io/member-state': m.state,
        'shoal.io/runtimes': hb.runtimes.join(','),
      },
      creationTimestamp: hb.startedAt,
      resourceVersion: String(hb.seq),
    },
    spec: {},
    status: {
      capacity: resources(hb.capacity),
      allocatable: resources(hb.allocatable),
      addresses: [
        ...(ip !== '' ? [{ type: 'InternalIP', address: ip }] : []),
        { type: 'Hostname', address: hb.name },
      ],
      conditions: [
        {
          type: 'Ready',
          ...cond,
          lastHeartbeatTime: new Date(m.lastSeen).toISOString(),
          lastTransitionTime: new Date(m.since).toISOString(),
        },
      ],
      nodeInfo: {
        machineID: hb.peerId,
        kubeletVersion: `shoal-v${hb.version}`,
        kubeProxyVersion: `shoal-v${hb.version}`,
        containerRuntimeVersion: hb.runtimes.join(','),
        operatingSystem: platform(),
        architecture: arch() === 'x64' ? 'amd64' : arch(),
        osImage: '',
        kernelVersion: '',
        bootID: hb.startedAt,
        systemUUID: hb.peerId,
      },
    },
  }
}
