import type { Prng } from '../../../lib/prng.js'
import type { ConfState, Entry, Message, MessageType, Snapshot } from '../../../consensus/core/types.js'
import { message } from '../../../consensus/core/types.js'

const TYPES: MessageType[] = [
  'hup', 'beat', 'prop', 'check-quorum', 'unreachable', 'snap-status', 'app', 'app-resp', 'vote', 'vote-resp',
  'pre-vote', 'pre-vote-resp', 'snap', 'heartbeat', 'heartbeat-resp', 'transfer-leader', 'timeout-now',
  'read-index', 'read-index-resp',
]

/** Node ids shaped like libp2p peer ids, plus the empty id and a non-ASCII one. */
export const IDS = [
  '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo',
  '12D3KooWBnext9YtVqVnLr6rKfQ8ZPJ6Bx7GxGzjvTXx1zB2dDsC',
  '12D3KooWSJ4nY3wEGnKXbMpGvWY9nHuKHCdtHfCwTAiGWeDZ6mDN',
  '',
  'nœud-ü',
]

/** A number spread over magnitudes, so every varint length is exercised. */
export function randomNumber(p: Prng): number {
  switch (p.int(0, 5)) {
    case 0:
      return 0
    case 1:
      return p.int(1, 128)
    case 2:
      return p.int(128, 1 << 21)
    case 3:
      return p.int(0, 2 ** 32) * 1024 + p.int(0, 1024)
    default:
      return Number.MAX_SAFE_INTEGER - p.int(0, 3)
  }
}

export function randomBytes(p: Prng, max: number): Uint8Array {
  const out = new Uint8Array(p.int(0, max + 1))
  for (let i = 0; i < out.length; i++) out[i] = p.int(0, 256)
  return out
}

function randomIds(p: Prng): string[] {
  return Array.from({ length: p.int(0, 4) }, () => p.pick(IDS))
}

export function randomConfState(p: Prng): ConfState {
  return {
    voters: randomIds(p),
    learners: randomIds(p),
    votersOutgoing: randomIds(p),
    learnersNext: randomIds(p),
    autoLeave: p.chance(0.5),
  }
}

export function randomSnapshot(p: Prng, maxData = 2048): Snapshot {
  return {
    metadata: { index: randomNumber(p), term: randomNumber(p), confState: randomConfState(p) },
    data: randomBytes(p, maxData),
  }
}

export function randomEntries(p: Prng): Entry[] {
  const n = p.int(0, 6)
  // Mostly consecutive, as Raft sends them; sometimes arbitrary, as 'prop' (index 0) does.
  let index = randomNumber(p)
  const term = randomNumber(p)
  return Array.from({ length: n }, () => {
    index = p.chance(0.8) && index < Number.MAX_SAFE_INTEGER ? index + 1 : randomNumber(p)
    return {
      term: p.chance(0.8) ? term : randomNumber(p),
      index,
      type: p.chance(0.9) ? 'normal' : 'conf-change',
      data: randomBytes(p, 300),
    }
  })
}

export function randomMessage(p: Prng): Message {
  const m = message({
    type: p.pick(TYPES),
    to: p.pick(IDS),
    from: p.pick(IDS),
    term: randomNumber(p),
    logTerm: randomNumber(p),
    index: randomNumber(p),
    entries: p.chance(0.5) ? randomEntries(p) : [],
    commit: randomNumber(p),
    reject: p.chance(0.3),
    rejectHint: randomNumber(p),
    context: p.chance(0.3) ? randomBytes(p, 40) : new Uint8Array(0),
  })
  if (p.chance(0.15)) m.snapshot = randomSnapshot(p)
  return m
}
