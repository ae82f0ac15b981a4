import type { TestApi } from './api.js'

export interface RaftView {
  role: string
  term: number
  leader: string
  commit: number
  applied: number
  voters: string[]
  learners: string[]
  snapshotIndex: number
  snapshotsInstalled: number
}

/** The raft section of one node's /shoal/v1/cluster. */
export async function raftView(api: TestApi): Promise<RaftView> {
  return (await api.ok<{ raft: RaftView }>('/shoal/v1/cluster')).raft
}

/** The leader every given node agrees on, or undefined while they disagree or have none. */
export async function agreedLeader(apis: TestApi[]): Promise<string | undefined> {
  const views = await Promise.all(apis.map(raftView))
  const leaders = new Set(views.map((v) => v.leader))
  const [leader] = [...leaders]
  return leaders.size === 1 && leader !== '' ? leader : undefined
}

/** Pod uids in a node's copy of the allocation table. */
export async function boundPods(api: TestApi): Promise<string[]> {
  const list = await api.ok<{ items: { podUid: string }[] }>('/shoal/v1/allocations')
  return list.items.map((b) => b.podUid).sort()
}
