import { describe, expect, it } from 'vitest'
import { message } from '../../../consensus/core/types.js'
import type { Message } from '../../../consensus/core/types.js'
import { SendQueue } from '../../../consensus/transport/send-queue.js'
import { BATCH_OVERHEAD_BOUND, encodedSizeBound } from '../../../consensus/wire/codec.js'

const hb = (commit: number): Message => message({ type: 'heartbeat', to: 'b', from: 'a', commit })
const snap = (index: number): Message =>
  message({ type: 'snap', to: 'b', from: 'a', snapshot: { metadata: { index, term: 1, confState: { voters: [], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false } }, data: new Uint8Array(10) } })

describe('SendQueue', () => {
  it('drops the oldest messages beyond its bound and counts them', () => {
    const q = new SendQueue(3)
    q.push([hb(1), hb(2)])
    q.push([hb(3), hb(4), hb(5)])
    expect(q.dropped).toBe(2)
    expect(q.take(1 << 20, 100).messages.map((m) => m.commit)).toEqual([3, 4, 5])
  })

  it('never drops a snapshot, even past the bound', () => {
    const q = new SendQueue(3)
    q.push([snap(10), hb(1), snap(20), hb(2), hb(3)])
    expect(q.dropped).toBe(2)
    const out = q.take(1 << 20, 100).messages
    expect(out.map((m) => (m.type === 'snap' ? `s${m.snapshot!.metadata.index}` : `h${m.commit}`))).toEqual(['s10', 's20', 'h3'])
    const full = new SendQueue(1)
    full.push([snap(1), snap(2), snap(3)])
    expect(full.length).toBe(3)
    expect(full.dropped).toBe(0)
  })

  it('takes at most maxCount messages and what fits in maxBytes, but at least one', () => {
    const q = new SendQueue(100)
    q.push(Array.from({ length: 10 }, (_, i) => hb(i)))
    expect(q.take(1 << 20, 4).messages).toHaveLength(4)
    const one = encodedSizeBound(hb(0))
    const { messages, sizeBound } = q.take(BATCH_OVERHEAD_BOUND + 2 * one, 100)
    expect(messages.map((m) => m.commit)).toEqual([4, 5])
    expect(sizeBound).toBe(BATCH_OVERHEAD_BOUND + 2 * one)
    expect(q.take(1, 100).messages.map((m) => m.commit)).toEqual([6])
    expect(q.clear().map((m) => m.commit)).toEqual([7, 8, 9])
    expect(q.length).toBe(0)
  })
})
