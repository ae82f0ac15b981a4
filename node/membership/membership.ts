import type { Message, SubscriptionChangeData } from '@libp2p/gossipsub'
import type { Startable } from '../../lib/startable.js'
import type { MembershipTiming } from '../config/agent-config.js'
import type { AgentEventBus } from '../events.js'
import type { Logger } from '../logger.js'
import type { Host } from '../p2p/host.js'
import type { Heartbeat } from './heartbeat.js'
import { decodeHeartbeat, encodeHeartbeat, HEARTBEAT_TOPIC, InvalidHeartbeatError } from './heartbeat.js'
import type { Member, Transition } from './member-table.js'
import { MemberTable } from './member-table.js'

/** What a node says about itself; sequence and leave flag are the service's business. */
export type SelfDescription = Omit<Heartbeat, 'seq' | 'leaving' | 'v'>

export interface MembershipComponents {
  host: Host
  events: AgentEventBus
  logger: Logger
  describeSelf: () => SelfDescription
}

export interface MembershipInit {
  timing: MembershipTiming
  now?: () => number
}

/**
 * Heartbeats on gossipsub plus the failure detector. Gossipsub relays messages through the mesh,
 * so a node learns about members it has no direct connection to.
 */
export class Membership implements Startable {
  readonly table: MemberTable
  private seq = 0
  private publishTimer: NodeJS.Timeout | undefined
  private tickTimer: NodeJS.Timeout | undefined
  private soonTimer: NodeJS.Timeout | undefined
  private running = false
  private readonly now: () => number
  private readonly onMessage = (evt: CustomEvent<Message>): void => this.receive(evt.detail)
  private readonly onSubscription = (evt: CustomEvent<SubscriptionChangeData>): void => {
    // A peer that just subscribed has missed our last heartbeat; send one now instead of in a second.
    if (evt.detail.subscriptions.some((s) => s.topic === HEARTBEAT_TOPIC && s.subscribe)) this.publishSoon()
  }

  constructor(
    private readonly components: MembershipComponents,
    private readonly init: MembershipInit,
  ) {
    this.now = init.now ?? Date.now
    this.table = new MemberTable(components.host.peerId.toString(), init.timing)
  }

  start(): void {
    const pubsub = this.components.host.services.pubsub
    pubsub.addEventListener('message', this.onMessage)
    pubsub.addEventListener('subscription-change', this.onSubscription)
    pubsub.subscribe(HEARTBEAT_TOPIC)
    this.running = true
    this.publish()
    this.publishTimer = setInterval(() => this.publish(), this.init.timing.heartbeatMs)
    this.tickTimer = setInterval(() => this.apply(this.table.tick(this.now())), Math.max(50, this.init.timing.heartbeatMs / 4))
  }

  /** Graceful leave: one last heartbeat marked leaving, so peers record `left` rather than `down`. */
  async leave(): Promise<void> {
    if (!this.running) return
    // No ordinary heartbeat may follow the leave one, or peers would see this node come back.
    this.running = false
    clearInterval(this.publishTimer)
    clearTimeout(this.soonTimer)
    await this.send(true)
  }

  stop(): void {
    this.running = false
    clearInterval(this.publishTimer)
    clearInterval(this.tickTimer)
    clearTimeout(this.soonTimer)
    const pubsub = this.components.host.services.pubsub
    pubsub.removeEventListener('message', this.onMessage)
    pubsub.removeEventListener('subscription-change', this.onSubscription)
  }

  members(): Member[] {
    return this.table.list()
  }

  publishSoon(): void {
    if (this.soonTimer !== undefined || !this.running) return
    this.soonTimer = setTimeout(() => {
      this.soonTimer = undefined
      this.publish()
    }, 20)
  }

  private publish(): void {
    if (!this.running) return
    this.send(false).catch((err: unknown) => this.components.logger.debug({ err }, 'heartbeat publish failed'))
  }

  private async send(leaving: boolean): Promise<void> {
    const hb: Heartbeat = { v: 1, ...this.components.describeSelf(), seq: ++this.seq, ...(leaving ? { leaving } : {}) }
    this.apply(this.table.observe(hb, this.now()))
    await this.components.host.services.pubsub.publish(HEARTBEAT_TOPIC, encodeHeartbeat(hb))
  }

  private receive(msg: Message): void {
    if (msg.topic !== HEARTBEAT_TOPIC) return
    let hb: Heartbeat
    try {
      hb = decodeHeartbeat(msg.data)
    } catch (err) {
      if (err instanceof InvalidHeartbeatError) {
        this.components.logger.warn({ err: err.message }, 'dropped an invalid heartbeat')
        return
      }
      throw err
    }
    // Gossipsub signs messages with the sender's key: a heartbeat may only speak for its signer.
    if (msg.type !== 'signed' || msg.from.toString() !== hb.peerId) {
      this.components.logger.warn({ claimed: hb.peerId }, 'dropped a heartbeat not signed by the member it describes')
      return
    }
    this.apply(this.table.observe(hb, this.now()))
  }

  private apply(transitions: Transition[]): void {
    for (const t of transitions) {
      const { name, peerId } = t.member.heartbeat
      if (!t.member.self) {
        const level = t.to === 'alive' || t.to === 'left' || t.to === 'forgotten' ? 'info' : 'warn'
        this.components.logger[level]({ member: name, memberPeer: peerId, from: t.from ?? 'new', to: t.to }, `member ${name} is ${t.to}`)
      }
      this.components.events.emit(`member:${t.to}`, t.member)
    }
  }
}
