import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Libp2p, PrivateKey } from '@libp2p/interface'
import type { Logger } from 'pino'
import { RaftNode } from '../../../consensus/driver/raft-node.js'
import type { RaftNodeInit } from '../../../consensus/driver/raft-node.js'
import { DiskStorage } from '../../../consensus/storage/disk-storage.js'
import { FileRecoveryMarker } from '../../../consensus/storage/recovery-marker.js'
import { RaftTransport } from '../../../consensus/transport/raft-transport.js'
import { waitFor } from '../../harness/wait.js'
import { createNode, newKey, portOf, silent } from '../transport/libp2p-fixture.js'
import { KvStateMachine } from './kv-state-machine.js'

export interface Member {
  key: PrivateKey
  id: string
  dir: string
  port: number
  libp2p?: Libp2p
  transport?: RaftTransport
  storage?: DiskStorage
  raft?: RaftNode
  sm?: KvStateMachine
}

/** Real raft drivers over real libp2p transports and disk storage, for driver-level tests. */
export class RaftCluster {
  readonly members: Member[] = []
  /** Drivers started from now on log here (default: nowhere). */
  logger: Logger | undefined

  private constructor(readonly root: string) {}

  static async create(n: number): Promise<RaftCluster> {
    const c = new RaftCluster(await mkdtemp(join(tmpdir(), 'shoal-raft-')))
    for (let i = 0; i < n; i++) {
      const key = await newKey()
      const libp2p = await createNode(key)
      c.members.push({ key, id: libp2p.peerId.toString(), dir: join(c.root, `m${i}`), port: portOf(libp2p), libp2p })
    }
    return c
  }

  get ids(): string[] {
    return this.members.map((m) => m.id)
  }

  async startMember(m: Member, init: Partial<RaftNodeInit> = {}): Promise<void> {
    m.libp2p ??= await createNode(m.key, m.port)
    m.transport = new RaftTransport({ libp2p: m.libp2p, logger: silent() })
    m.storage = await DiskStorage.open(m.dir)
    m.sm = new KvStateMachine()
    m.raft = new RaftNode(
      { storage: m.storage, transport: m.transport, stateMachine: m.sm, logger: this.logger ?? silent(), recoveryMarker: new FileRecoveryMarker(m.dir) },
      { id: m.id, tickMs: 20, electionTicks: 10, proposalTimeoutMs: 5000, ...init },
    )
    await m.transport.start()
    await m.raft.start()
    await this.connect(m)
  }

  async connect(m: Member): Promise<void> {
    for (const o of this.members) {
      if (o === m || o.libp2p === undefined || o.raft === undefined) continue
      await m.libp2p!.dial(o.libp2p.getMultiaddrs()[0]!).catch(() => undefined)
    }
  }

  /** A hard crash: nothing is flushed beyond what was already durable. */
  async crash(m: Member): Promise<void> {
    await m.raft?.stop()
    await m.transport?.stop()
    await m.libp2p?.stop()
    await m.storage?.close()
    m.raft = undefined
    m.libp2p = undefined
  }

  leader(): Member | undefined {
    const leaders = this.members.filter((m) => m.raft?.isReadyLeader === true)
    return leaders.length === 1 ? leaders[0] : undefined
  }

  async waitLeader(timeoutMs = 15_000): Promise<Member> {
    return waitFor(() => this.leader(), { timeoutMs, message: 'a single ready leader' })
  }

  async close(): Promise<void> {
    for (const m of this.members) await this.crash(m).catch(() => undefined)
    await rm(this.root, { recursive: true, force: true })
  }
}
