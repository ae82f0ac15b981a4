import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { identify } from '@libp2p/identify'
import type { Libp2p, PeerId, PrivateKey } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import { pino } from 'pino'
import type { Logger } from 'pino'
import type { Message } from '../../../consensus/core/types.js'
import { RaftTransport } from '../../../consensus/transport/raft-transport.js'
import type { RaftTransportInit } from '../../../consensus/transport/raft-transport.js'

export function silent(): Logger {
  return pino({ level: 'silent' })
}

export async function newKey(): Promise<PrivateKey> {
  return generateKeyPair('Ed25519')
}

/** A libp2p node on loopback with a port picked by the OS (or the given one, to restart a peer). */
export async function createNode(privateKey?: PrivateKey, port = 0): Promise<Libp2p> {
  return createLibp2p({
    privateKey: privateKey ?? (await newKey()),
    addresses: { listen: [`/ip4/127.0.0.1/tcp/${port}`] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() },
  })
}

export function portOf(node: Libp2p): number {
  return Number(node.getMultiaddrs()[0]!.toString().split('/')[4])
}

/** A node with a started transport that records what it receives and reports. */
export class Peer {
  readonly received: Message[] = []
  readonly senders: string[] = []
  readonly unreachable: string[] = []
  readonly snapshots: Array<{ peer: string; index: number; ok: boolean }> = []
  readonly transport: RaftTransport

  constructor(
    readonly node: Libp2p,
    init: RaftTransportInit = {},
  ) {
    this.transport = new RaftTransport({ libp2p: node, logger: silent() }, init)
    this.transport.on('messages:received', (msgs: Message[], from: PeerId) => {
      this.received.push(...msgs)
      this.senders.push(from.toString())
    })
    this.transport.on('peer:unreachable', (p: string) => this.unreachable.push(p))
    this.transport.on('snapshot:status', (peer: string, index: number, ok: boolean) => this.snapshots.push({ peer, index, ok }))
  }

  static async start(init: RaftTransportInit = {}, privateKey?: PrivateKey, port = 0): Promise<Peer> {
    const p = new Peer(await createNode(privateKey, port), init)
    await p.transport.start()
    return p
  }

  get id(): string {
    return this.node.peerId.toString()
  }

  async stop(): Promise<void> {
    await this.transport.stop()
    await this.node.stop()
  }
}

export async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}
