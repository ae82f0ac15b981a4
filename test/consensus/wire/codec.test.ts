import { describe, expect, it } from 'vitest'
import { Prng } from '../../../lib/prng.js'
import { message } from '../../../consensus/core/types.js'
import type { Message } from '../../../consensus/core/types.js'
import {
  BATCH_OVERHEAD_BOUND,
  CODEC_VERSION,
  decodeBatch,
  decodeEntry,
  decodeHardState,
  decodeSnapshot,
  encodeBatch,
  encodedSizeBound,
  encodeEntry,
  encodeHardState,
  encodeSnapshot,
} from '../../../consensus/wire/codec.js'
import { CodecError } from '../../../consensus/wire/codec-error.js'
import { IDS, randomBytes, randomEntries, randomMessage, randomNumber, randomSnapshot } from './random-message.js'

/** Decode, expecting either messages or a CodecError, never any other failure. */
function decodeOrCodecError(bytes: Uint8Array): Message[] | CodecError {
  try {
    return decodeBatch(bytes)
  } catch (err) {
    if (err instanceof CodecError) return err
    throw err
  }
}

describe('codec round trips (seeded property tests)', () => {
  it('decodes every random batch to what was encoded', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const p = new Prng(seed)
      const msgs = Array.from({ length: p.int(0, 12) }, () => randomMessage(p))
      const bytes = encodeBatch(msgs)
      expect(bytes[0]).toBe(CODEC_VERSION)
      expect(decodeBatch(bytes), `seed ${seed}`).toEqual(msgs)
    }
  })

  it('bounds the encoded size of every message from above', () => {
    const p = new Prng(99)
    for (let i = 0; i < 500; i++) {
      const m = randomMessage(p)
      expect(encodeBatch([m]).byteLength).toBeLessThanOrEqual(encodedSizeBound(m) + BATCH_OVERHEAD_BOUND)
    }
  })

  it('round-trips entries, hard states and snapshots for the WAL', () => {
    const p = new Prng(7)
    for (let i = 0; i < 200; i++) {
      for (const e of randomEntries(p)) expect(decodeEntry(encodeEntry(e))).toEqual(e)
      const hs = { term: randomNumber(p), vote: p.pick(IDS), commit: randomNumber(p) }
      expect(decodeHardState(encodeHardState(hs))).toEqual(hs)
      const snap = randomSnapshot(p)
      expect(decodeSnapshot(encodeSnapshot(snap))).toEqual(snap)
    }
  })

  it('copies decoded bytes so they do not alias the input frame', () => {
    const e = { term: 2, index: 3, type: 'normal' as const, data: new Uint8Array([1, 2, 3]) }
    const bytes = encodeEntry(e)
    const decoded = decodeEntry(bytes)
    bytes.fill(0)
    expect(decoded.data).toEqual(new Uint8Array([1, 2, 3]))
  })

  it('is compact: a batch of heartbeats to one peer names the peer ids once', () => {
    const hb = (i: number): Message => message({ type: 'heartbeat', to: IDS[0]!, from: IDS[1]!, term: 12, commit: 4000 + i })
    const one = encodeBatch([hb(0)])
    const hundred = encodeBatch(Array.from({ length: 100 }, (_, i) => hb(i)))
    expect(one.byteLength).toBeLessThan(IDS[0]!.length + IDS[1]!.length + 16)
    // Each further heartbeat: type, presence, two refs, term, commit.
    expect(hundred.byteLength - one.byteLength).toBeLessThanOrEqual(99 * 8)
    const app = message({
      type: 'app',
      to: IDS[0]!,
      from: IDS[1]!,
      term: 5,
      logTerm: 5,
      index: 99,
      commit: 90,
      entries: Array.from({ length: 10 }, (_, i) => ({ term: 5, index: 100 + i, type: 'normal' as const, data: new Uint8Array(10) })),
    })
    // Per entry: one header byte, one length byte, the data.
    expect(encodeBatch([app]).byteLength).toBeLessThan(IDS[0]!.length + IDS[1]!.length + 20 + 10 * 12)
  })

  it('refuses to encode values that are not non-negative safe integers', () => {
    for (const term of [-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) {
      expect(() => encodeBatch([message({ type: 'heartbeat', term })])).toThrow(CodecError)
    }
  })
})

describe('codec on malformed input', () => {
  const p = new Prng(2024)
  const valid = encodeBatch(Array.from({ length: 6 }, () => randomMessage(p)))

  it('throws CodecError for every truncation of a valid batch', () => {
    for (let cut = 0; cut < valid.byteLength; cut++) {
      expect(() => decodeBatch(valid.subarray(0, cut)), `cut at ${cut}`).toThrow(CodecError)
    }
  })

  it('throws CodecError on trailing bytes and on an unknown version', () => {
    expect(() => decodeBatch(new Uint8Array([...valid, 0]))).toThrow(CodecError)
    expect(() => decodeBatch(new Uint8Array([CODEC_VERSION + 1, ...valid.subarray(1)]))).toThrow(/version/)
    expect(() => decodeEntry(encodeHardState({ term: 1, vote: 'x', commit: 1 }))).toThrow(CodecError)
  })

  it('never fails with anything but CodecError on flipped bytes or random garbage', () => {
    const g = new Prng(5)
    let rejected = 0
    for (let i = 0; i < 3000; i++) {
      let bytes: Uint8Array
      if (i % 2 === 0) {
        bytes = Uint8Array.from(valid)
        for (let k = g.int(1, 4); k > 0; k--) bytes[g.int(0, bytes.length)] = g.int(0, 256)
      } else {
        bytes = randomBytes(g, 200)
        if (g.chance(0.5) && bytes.length > 0) bytes[0] = CODEC_VERSION
      }
      const out = decodeOrCodecError(bytes)
      if (out instanceof CodecError) rejected++
      else for (const m of out) expect(typeof m.type).toBe('string')
    }
    // Flips inside entry data or context still decode; garbage and structural flips must not.
    expect(rejected).toBeGreaterThan(1200)
  })

  it('rejects varints that are padded, too long or beyond the safe integer range', () => {
    const batch = (...count: number[]): Uint8Array => new Uint8Array([CODEC_VERSION, 0, ...count])
    expect(() => decodeBatch(batch(0x80, 0x00))).toThrow(/non-canonical/)
    expect(() => decodeBatch(batch(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01))).toThrow(/too long/)
    expect(() => decodeBatch(batch(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f))).toThrow(/safe integer/)
  })

  it('enforces limits before allocating', () => {
    const hb = message({ type: 'heartbeat', to: 'a', from: 'b', term: 1 })
    expect(() => decodeBatch(encodeBatch([hb, hb, hb]), { maxMessages: 2 })).toThrow(/limit of 2/)
    const entries = Array.from({ length: 5 }, (_, i) => ({ term: 1, index: i + 1, type: 'normal' as const, data: new Uint8Array(1) }))
    const app = message({ type: 'app', entries })
    expect(() => decodeBatch(encodeBatch([app]), { maxEntries: 4 })).toThrow(/limit of 4/)
    const big = encodeBatch([message({ type: 'snap', snapshot: randomSnapshot(new Prng(1), 4096) })])
    expect(() => decodeBatch(big, { maxBytes: 100 })).toThrow(CodecError)
    expect(() => decodeBatch(encodeBatch([message({ type: 'vote', from: 'x'.repeat(300) })]))).toThrow(/limit of 256/)
    // A count larger than the bytes left is refused without building a huge array.
    expect(() => decodeBatch(new Uint8Array([CODEC_VERSION, 0, 0xc8, 0x01]))).toThrow(/cannot fit/)
  })

  it('rejects unknown message types, field bits and string references', () => {
    const hb = encodeBatch([message({ type: 'heartbeat', to: 'a', from: 'b' })])
    // Layout: version, table count, 'a', 'b', message count, type, presence, to ref, from ref.
    const typeAt = 1 + 1 + 2 + 2 + 1
    const bad = (at: number, v: number): Uint8Array => {
      const b = Uint8Array.from(hb)
      b[at] = v
      return b
    }
    expect(() => decodeBatch(bad(typeAt, 200))).toThrow(/unknown message type/)
    expect(() => decodeBatch(bad(typeAt + 2, 9))).toThrow(/string table/)
    expect(decodeBatch(hb)[0]).toMatchObject({ to: 'a', from: 'b', type: 'heartbeat' })
  })
})
