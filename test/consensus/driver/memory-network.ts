import { EventEmitter } from 'node:events'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { Message, NodeId } from '../../../consensus/core/types.js'
import { RaftNode } from '../../../consensus/driver/raft-node.js'
import type { RaftMessenger, RaftNodeInit } from '../../../consensus/driver/raft-node.js'
import { MemoryStorage } from '../../../consensus/storage/memory-storage.js'
import type { RaftTransportEvents } from '../../../consensus/transport/raft-transport.js'
import { waitFor } from '../../harness/wait.js'
import { silent } from '../transport/libp2p-fixture.js'
import { KvStateMachine } from './kv-state-machine.js'

/** One node's end of the in-memory network. */
class MemoryMessenger extends EventEmitter<RaftTransportEvents> implements RaftMessenger {
  constructor(
    private readonly net: MemoryNetwork,
    readonly peerId: PeerId,
  ) {
    super()
  }

  send(messages: Message[]): void {
    for (const m of messages) this.net.deliver(m, this.peerId)
  }
}

export interface MemoryMember {
  id: NodeId
  raft: RaftNode
  sm: KvStateMachine
}

/**
 * Raft drivers over an in-process network whose links a test can cut one direction at a time,
 * so it controls exactly who hears whom (a libp2p connection gater cannot cut one direction).
 */
export class MemoryNetwork {
  readonly members: MemoryMember[] = []
  private readonly ends = new Map<NodeId, MemoryMessenger>()
  /** Directed links that drop everything: "from|to". */
  private readonly cut = new Set<string>()

  static async create(n: number, init: (i: number) => Partial<RaftNodeInit> = () => ({})): Promise<MemoryNetwork> {
    const net = new MemoryNetwork()
    const peers = await Promise.all(Array.from({ length: n }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))))
    const ids = peers.map((p) => p.toString())
    peers.forEach((peerId, i) => {
      const end = new MemoryMessenger(net, peerId)
      net.ends.set(ids[i]!, end)
      const sm = new KvStateMachine()
      const raft = new RaftNode(
        { storage: new MemoryStorage(), transport: end, stateMachine: sm, logger: silent() },
        { id: ids[i]!, tickMs: 10, electionTicks: 10, bootstrap: ids, ...init(i) },
      )
      net.members.push({ id: ids[i]!, raft, sm })
    })
    for (const m of net.members) await m.raft.start()
    return net
  }

  deliver(m: Message, from: PeerId): void {
    if (this.cut.has(`${m.from}|${m.to}`)) return
    const to = this.ends.get(m.to)
    // Asynchronous, as over a socket: never re-enter the sender's Ready loop.
    if (to !== undefined) setImmediate(() => to.emit('messages:received', [m], from))
  }

  /** Drop everything `from` sends to each of `to`. */
  cutLinks(from: NodeId, to: NodeId[]): void {
    for (const t of to) this.cut.add(`${from}|${t}`)
  }

  /** Let `from` reach `to` again. */
  restoreLink(from: NodeId, to: NodeId): void {
    this.cut.delete(`${from}|${to}`)
  }

  async waitLeader(among = this.members): Promise<MemoryMember> {
    return waitFor(() => {
      const leaders = among.filter((m) => m.raft.isReadyLeader)
      return leaders.length === 1 ? leaders[0] : undefined
    }, { timeoutMs: 10_000, message: 'a single ready leader' })
  }

  async stop(): Promise<void> {
    for (const m of this.members) await m.raft.stop()
  }
}
