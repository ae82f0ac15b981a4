import { EventEmitter } from 'node:events'
import type { Member } from './membership/member-table.js'

/** Every event an agent emits, by `noun:verb` name (after js-libp2p's typed events). */
export interface AgentEvents {
  'member:alive': [member: Member]
  'member:suspect': [member: Member]
  'member:down': [member: Member]
  'member:left': [member: Member]
  'member:forgotten': [member: Member]
  /** The initial join failed for a reason retrying cannot fix (e.g. a cluster key mismatch). */
  'join:rejected': [error: Error]
  'join:connected': [peerId: string]
}

export class AgentEventBus extends EventEmitter<AgentEvents> {}
