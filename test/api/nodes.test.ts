import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiServer } from '../../node/api/server.js'
import { nodesRoutes } from '../../node/api/routes/nodes.js'
import { AgentEventBus } from '../../node/events.js'
import { silentLogger } from '../../node/logger.js'
import type { Member, MemberState } from '../../node/membership/member-table.js'
import { storeErrorTranslator } from '../../node/store/store-errors.js'
import { TestApi } from '../harness/api.js'
import { member } from '../node/heartbeat-fixture.js'
import type { List, Status } from './helpers.js'
import { WatchReader } from './helpers.js'

/** A membership table the test edits by hand, announcing each change as membership would. */
class FakeMembership {
  readonly events = new AgentEventBus()
  private readonly rows = new Map<string, Member>()

  members(): Member[] {
    return [...this.rows.values()]
  }

  set(name: string, state: MemberState, labels: Record<string, string> = {}): void {
    const m = member(`peer-${name}`, state, { name, labels })
    this.rows.set(name, m)
    this.events.emit(`member:${state}`, m)
  }

  forget(name: string): void {
    const m = this.rows.get(name)!
    this.rows.delete(name)
    this.events.emit('member:forgotten', m)
  }
}

let membership: FakeMembership
let server: ApiServer
let api: TestApi

beforeAll(async () => {
  membership = new FakeMembership()
  server = new ApiServer(
    { logger: silentLogger(), token: 'secret', routes: [nodesRoutes({ members: () => membership.members(), events: membership.events })], translators: [storeErrorTranslator] },
    { host: '127.0.0.1', port: 0 },
  )
  await server.start()
  api = new TestApi(server.address, 'secret')
  membership.set('n1', 'alive', { zone: 'z1' })
  membership.set('n2', 'alive', { zone: 'z2' })
  membership.set('n3', 'alive', { zone: 'z1', gpu: 'yes' })
})

afterAll(async () => {
  await server.stop()
})

const names = async (query: string): Promise<string[]> => (await api.ok<List>(`/api/v1/nodes${query}`)).items.map((n) => n.metadata.name).sort()

describe('GET /api/v1/nodes with selectors', () => {
  it('filters by label selector, equality and set-based', async () => {
    expect(await names('')).toEqual(['n1', 'n2', 'n3'])
    expect(await names('?labelSelector=zone%3Dz1')).toEqual(['n1', 'n3'])
    expect(await names('?labelSelector=zone%20in%20(z2)')).toEqual(['n2'])
    expect(await names('?labelSelector=!gpu')).toEqual(['n1', 'n2'])
    // The labels shoal adds itself are selectable too.
    expect(await names('?labelSelector=shoal.io%2Fhostname%3Dn2')).toEqual(['n2'])
  })

  it('filters by metadata.name and refuses fields a Node does not have', async () => {
    expect(await names('?fieldSelector=metadata.name%3Dn2')).toEqual(['n2'])
    expect(await names('?fieldSelector=metadata.name!%3Dn2&labelSelector=zone%3Dz1')).toEqual(['n1', 'n3'])
    const bad = await api.get<Status>('/api/v1/nodes?fieldSelector=status.phase%3DRunning')
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({ kind: 'Status', code: 400 })
    expect(bad.body.message).toContain('status.phase')
    const syntax = await api.get<Status>('/api/v1/nodes?labelSelector=zone%20in%20(')
    expect(syntax.status).toBe(400)
  })
})

describe('GET /api/v1/nodes?watch=true', () => {
  it('starts with the current nodes, then streams state changes, honouring the selector', async () => {
    const watch = await WatchReader.open(api, '/api/v1/nodes?watch=true&labelSelector=zone%3Dz1')
    try {
      expect(watch.status).toBe(200)
      const initial = await watch.take(2)
      expect(initial.map((e) => `${e.type} ${e.object.metadata.name}`).sort()).toEqual(['ADDED n1', 'ADDED n3'])
      membership.set('n2', 'suspect', { zone: 'z2' })
      membership.set('n1', 'suspect', { zone: 'z1' })
      const modified = await watch.next()
      expect(modified).toMatchObject({ type: 'MODIFIED', object: { metadata: { name: 'n1', annotations: { 'shoal.io/member-state': 'suspect' } } } })
      expect(modified?.object.status).toMatchObject({ conditions: [{ type: 'Ready', status: 'Unknown' }] })
      // Relabelled out of the selection: the watcher sees it leave; a new member in it is ADDED.
      membership.set('n3', 'down', { zone: 'z9', gpu: 'yes' })
      expect(await watch.next()).toMatchObject({ type: 'DELETED', object: { metadata: { name: 'n3' } } })
      membership.set('n4', 'alive', { zone: 'z1' })
      expect(await watch.next()).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'n4' } } })
      membership.forget('n4')
      expect(await watch.next()).toMatchObject({ type: 'DELETED', object: { metadata: { name: 'n4' } } })
    } finally {
      watch.close()
    }
  })

  it('resumes after the resourceVersion of a list, watches one node by name, and answers 410 for a version it does not hold', async () => {
    const list = await api.ok<List>('/api/v1/nodes')
    membership.set('n2', 'alive', { zone: 'z2' })
    membership.set('n1', 'alive', { zone: 'z1' })
    const resumed = await WatchReader.open(api, `/api/v1/nodes/n1?watch=true&resourceVersion=${list.metadata.resourceVersion}`)
    try {
      const e = await resumed.next()
      expect(e).toMatchObject({ type: 'MODIFIED', object: { metadata: { name: 'n1', annotations: { 'shoal.io/member-state': 'alive' } } } })
      expect(Number(e?.object.metadata.resourceVersion)).toBeGreaterThan(Number(list.metadata.resourceVersion))
    } finally {
      resumed.close()
    }
    const future = await api.get<Status>('/api/v1/nodes?watch=true&resourceVersion=999999')
    expect(future.status).toBe(410)
    expect((await api.get<Status>('/api/v1/nodes?watch=true&resourceVersion=abc')).status).toBe(400)
  })
})
