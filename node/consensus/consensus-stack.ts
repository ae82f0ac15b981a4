import { join } from 'node:path'
import { RaftNode } from '../../consensus/driver/raft-node.js'
import { DiskStorage } from '../../consensus/storage/disk-storage.js'
import { FileRecoveryMarker } from '../../consensus/storage/recovery-marker.js'
import { RaftTransport } from '../../consensus/transport/raft-transport.js'
import type { Startable } from '../../lib/startable.js'
import { AllocationTable } from '../allocation/allocation-table.js'
import type { RaftSettings } from '../config/agent-config.js'
import type { AgentEventBus } from '../events.js'
import type { Logger } from '../logger.js'
import type { Member } from '../membership/member-table.js'
import type { Host } from '../p2p/host.js'
import { Autopilot } from './autopilot.js'
import { Formation } from './formation.js'
import { FileProposalStore } from './proposal-store.js'

export interface ConsensusStack {
  raft: RaftNode
  allocations: AllocationTable
  storage: DiskStorage
  transport: RaftTransport
  parts: Startable[]
  /** The `raft` section of /shoal/v1/cluster. */
  section(): Record<string, unknown>
  /** What this node's heartbeat says about its raft state. */
  heartbeat(): { role: string; term: number; leader: string; applied: number; empty: boolean; member: 'voter' | 'learner' | 'none'; formation?: string[] }
  /** Before a graceful stop: hand leadership to another voter so the cluster does not wait out a timeout. */
  handOff(timeoutMs?: number): Promise<void>
}

export interface ConsensusComponents {
  host: Host
  logger: Logger
  events: AgentEventBus
  dataDir: string
  members: () => Member[]
}

export interface ConsensusInit {
  firstNode: boolean
  bootstrapExpect?: number
  forceNewCluster: boolean
  settings: RaftSettings
}

/**
 * Raft as one node runs it: the WAL in `<dataDir>/raft`, the libp2p transport, the driver applying
 * to the allocation table, formation of a new cluster, and autopilot on the leader.
 */
export async function createConsensusStack(components: ConsensusComponents, init: ConsensusInit): Promise<ConsensusStack> {
  const { host, events, members } = components
  const logger = components.logger.child({ component: 'raft' })
  const raftDir = join(components.dataDir, 'raft')
  const storage = await DiskStorage.open(raftDir)
  if (storage.recovery.truncatedBytes > 0) logger.warn({ bytes: storage.recovery.truncatedBytes }, 'raft WAL had a torn tail; truncated it')
  const transport = new RaftTransport({ libp2p: host, logger: components.logger })
  const allocations = new AllocationTable()
  const self = host.peerId.toString()
  const raft = new RaftNode(
    { storage, transport, stateMachine: allocations, logger, recoveryMarker: new FileRecoveryMarker(raftDir) },
    {
      id: self,
      tickMs: init.settings.tickMs,
      electionTicks: init.settings.electionTicks,
      heartbeatTicks: init.settings.heartbeatTicks,
      snapshotEntries: init.settings.snapshotEntries,
      // Keep up to half a snapshot interval of entries so briefly absent followers need no snapshot.
      compactMargin: Math.min(1000, Math.floor(init.settings.snapshotEntries / 2)),
      forceNewCluster: init.forceNewCluster,
    },
  )
  const formation = new Formation(
    { raft, members, events, logger, proposals: new FileProposalStore(raftDir) },
    { firstNode: init.firstNode, ...(init.bootstrapExpect !== undefined ? { bootstrapExpect: init.bootstrapExpect } : {}) },
  )
  const autopilot = new Autopilot({ raft, members, events, logger: components.logger.child({ component: 'autopilot' }) }, { replaceAfterMs: init.settings.voterReplaceMs })
  const closeStorage: Startable = { start: () => undefined, stop: () => storage.close() }
  const nameOf = (id: string): string => members().find((m) => m.heartbeat.peerId === id)?.heartbeat.name ?? id
  return {
    raft,
    allocations,
    storage,
    transport,
    parts: [closeStorage, transport, raft, formation, autopilot],
    section: () => {
      const st = raft.status()
      return {
        raft: {
          role: st.role,
          term: st.term,
          leader: st.lead,
          leaderName: st.lead === '' ? '' : nameOf(st.lead),
          commit: st.commit,
          applied: st.applied,
          snapshotIndex: st.snapshotIndex,
          snapshotsInstalled: st.snapshotsInstalled,
          voters: st.voters,
          learners: st.learners,
          ...(st.votersOutgoing.length > 0 ? { votersOutgoing: st.votersOutgoing } : {}),
        },
      }
    },
    heartbeat: () => {
      const st = raft.status()
      const member = st.voters.includes(self) ? 'voter' : st.learners.includes(self) ? 'learner' : 'none'
      const proposal = raft.isEmpty ? formation.proposal : undefined
      return { role: st.role, term: st.term, leader: st.lead, applied: st.applied, empty: raft.isEmpty, member, ...(proposal !== undefined ? { formation: proposal } : {}) }
    },
    handOff: async (timeoutMs = 2000) => {
      if (!raft.isLeader) return
      const st = raft.status()
      const alive = new Set(members().filter((m) => m.state === 'alive' && !m.self).map((m) => m.heartbeat.peerId))
      const target = st.voters
        .filter((v) => v !== self && alive.has(v))
        .sort((a, b) => (st.progress?.[b]?.match ?? 0) - (st.progress?.[a]?.match ?? 0))[0]
      if (target === undefined) return
      logger.info({ to: nameOf(target) }, 'handing raft leadership over before leaving')
      raft.transferLeadership(target)
      const deadline = Date.now() + timeoutMs
      while (raft.isLeader && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    },
  }
}
