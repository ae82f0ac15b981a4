import { EventEmitter } from 'node:events'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { RecoveryMarkerMissingError } from '../../../consensus/driver/errors.js'
import { forceNewClusterOnce } from '../../../consensus/driver/force-new-cluster.js'
import { RaftNode } from '../../../consensus/driver/raft-node.js'
import { encodeEnvelope } from '../../../consensus/driver/envelope.js'
import { MemoryStorage } from '../../../consensus/storage/memory-storage.js'
import { FileRecoveryMarker, MemoryRecoveryMarker } from '../../../consensus/storage/recovery-marker.js'
import type { RaftTransportEvents } from '../../../consensus/transport/raft-transport.js'
import { silent } from '../transport/libp2p-fixture.js'
import { cmd, KvStateMachine } from './kv-state-machine.js'

let dir: string | undefined

afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  dir = undefined
})

/** A follower's storage: three voters, entries 2..4 of which only 2 was known committed. */
function survivorStorage(): MemoryStorage {
  const s = new MemoryStorage()
  const confState = { voters: ['a', 'b', 'c'], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false }
  s.installSnapshot({ metadata: { index: 1, term: 1, confState }, data: new Uint8Array(0) })
  s.append([2, 3, 4].map((index) => ({ term: 2, index, type: 'normal' as const, data: encodeEnvelope(`p:${index}`, cmd(`k${index}=${index}`)) })))
  return s
}

describe('forceNewClusterOnce', () => {
  it('makes this node the only voter with every logged entry applied, then records it and never runs again', async () => {
    const storage = survivorStorage()
    const marker = new MemoryRecoveryMarker()
    expect(await forceNewClusterOnce(storage, new KvStateMachine(), 'a', marker, silent())).toBe(true)
    const after = storage.snapshot()
    expect(after.metadata).toMatchObject({ index: 5, term: 2, confState: { voters: ['a'] } })
    expect(await marker.read()).toMatchObject({ node: 'a', index: 5, term: 2 })
    // The flag left on: nothing changes, however the log moved on since.
    expect(await forceNewClusterOnce(storage, new KvStateMachine(), 'a', marker, silent())).toBe(false)
    expect(storage.snapshot()).toBe(after)
  })

  it('keeps the marker in a file, and a damaged marker still counts as a recovery done', async () => {
    dir = await mkdtemp(join(tmpdir(), 'shoal-marker-'))
    const marker = new FileRecoveryMarker(dir)
    expect(await marker.read()).toBeUndefined()
    await marker.write({ node: 'a', term: 2, index: 5, at: '2030-01-01T00:00:00.000Z' })
    expect(await new FileRecoveryMarker(dir).read()).toEqual({ node: 'a', term: 2, index: 5, at: '2030-01-01T00:00:00.000Z' })
    await writeFile(marker.location, '{"node": "a", "te')
    expect(await marker.read()).toMatchObject({ index: 0, at: expect.stringContaining('damaged') })
  })

  it('a driver asked to force a new cluster without a place to record it refuses to start', async () => {
    const transport = Object.assign(new EventEmitter<RaftTransportEvents>(), { send: (): void => undefined })
    const raft = new RaftNode(
      { storage: survivorStorage(), transport, stateMachine: new KvStateMachine(), logger: silent() },
      { id: 'a', forceNewCluster: true },
    )
    await expect(raft.start()).rejects.toBeInstanceOf(RecoveryMarkerMissingError)
  })
})
