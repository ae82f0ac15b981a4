// The interpreter behind the golden interaction scripts in ../testdata, after etcd-io/raft's
// rafttest.InteractionEnv. Nodes are named n1, n2, ... in the order they are added (a bare number
// in a script means the same node: `campaign 1` is `campaign n1`).

import { decodeConfChange } from '../../../../consensus/core/conf-change.js'
import type { RaftLogger } from '../../../../consensus/core/raft.js'
import { RawNode } from '../../../../consensus/core/raw-node.js'
import type { ConfState, Message, NodeId } from '../../../../consensus/core/types.js'
import { emptyConfState } from '../../../../consensus/core/types.js'
import { MemoryStorage } from '../../../../consensus/storage/memory-storage.js'
import type { CommandArg, TestBlock } from './datadriven.js'
import { describeEntry, describeMessage, describeReady, describeStatus } from './describe.js'
import { persistReady } from './persist-ready.js'
import { argVal, nodeId, parseConfChange } from './script-args.js'

type Level = 'debug' | 'info' | 'warn' | 'none'
const LEVELS: Record<Level, number> = { debug: 0, info: 1, warn: 2, none: 3 }

interface EnvNode {
  id: NodeId
  rawNode: RawNode
  storage: MemoryStorage
  /** Configuration as of the applied index, for snapshots the driver takes. */
  confState: ConfState
  applied: number
  opts: NodeOptions
}

interface NodeOptions {
  electionTick: number
  heartbeatTick: number
  preVote: boolean
  checkQuorum: boolean
  maxInflightMsgs: number
  maxSizePerMsg: number
}

export class InteractionEnv {
  nodes: EnvNode[] = []
  /** Messages sent and not yet delivered, in send order. */
  messages: Message[] = []
  private out: string[] = []
  private indent = ''
  private level: Level = 'info'
  /** Pairs of node ids that cannot talk ("a|b" both ways). */
  private cut = new Set<string>()
  readonly logger: RaftLogger = {
    debug: (msg) => this.log('debug', msg),
    info: (msg) => this.log('info', msg),
    warn: (msg) => this.log('warn', msg),
  }

  run(b: TestBlock): string[] {
    this.out = []
    this.indent = ''
    this.dispatch(b)
    return this.out.length === 0 ? ['ok'] : this.out.flatMap((l) => l.split('\n'))
  }

  /** Everything is output, so `log-level none` silences setup steps entirely (as in etcd). */
  private print(text: string): void {
    if (this.level === 'none') return
    for (const line of text.split('\n')) this.out.push(this.indent + line)
  }

  private log(level: Level, msg: string): void {
    if (LEVELS[level] >= LEVELS[this.level]) this.print(`${level.toUpperCase()} ${msg}`)
  }

  private withIndent(f: () => void): void {
    const saved = this.indent
    this.indent += '  '
    try {
      f()
    } finally {
      this.indent = saved
    }
  }

  private dispatch(b: TestBlock): void {
    const a = b.args
    switch (b.command) {
      case 'log-level':
        this.level = a[0]!.key as Level
        return
      case 'add-nodes':
        return this.addNodes(a)
      case 'campaign':
        return this.node(a[0]!).rawNode.campaign()
      case 'tick':
        return this.tick(this.node(a[0]!), Number(a[1]?.key ?? 1))
      case 'tick-election': {
        const n = this.node(a[0]!)
        return this.tick(n, n.opts.electionTick)
      }
      case 'tick-heartbeat': {
        const n = this.node(a[0]!)
        return this.tick(n, n.opts.heartbeatTick)
      }
      case 'propose':
        return this.tryRun(() => this.node(a[0]!).rawNode.propose(new TextEncoder().encode(a[1]?.key ?? '')))
      case 'propose-conf-change':
        return this.tryRun(() => this.node(a[0]!).rawNode.proposeConfChange(parseConfChange(a.slice(1), b.input.join(' '))))
      case 'transfer-leadership':
        return this.node({ key: argVal(a, 'from'), vals: [] }).rawNode.transferLeader(nodeId(argVal(a, 'to')))
      case 'read-index':
        return this.tryRun(() => this.node(a[0]!).rawNode.readIndex(new TextEncoder().encode(a[1]?.key ?? '')))
      case 'report-unreachable':
        return this.node(a[0]!).rawNode.reportUnreachable(nodeId(a[1]!.key))
      case 'process-ready':
        return this.forEachNode(a, (n) => this.processReady(n), a.length > 1)
      case 'deliver-msgs':
        return this.deliverMsgs(a)
      case 'stabilize':
        return this.stabilize(a.length === 0 ? this.nodes : a.map((x) => this.node(x)))
      case 'partition':
        // `partition (n1,n2) (n3)`: groups that cannot talk to each other.
        return this.partition(a.map((x) => x.key.replace(/[()]/g, '').split(',').map((id) => nodeId(id.trim()))))
      case 'isolate': {
        const id = this.node(a[0]!).id
        return this.partition([[id], this.nodes.map((n) => n.id).filter((x) => x !== id)])
      }
      case 'heal':
        this.cut.clear()
        return
      case 'status':
        return this.forEachNode(a, (n) => this.print(describeStatus(n.rawNode.status())), false)
      case 'raft-log':
        return this.raftLog(this.node(a[0]!))
      case 'compact':
        return this.compact(this.node(a[0]!), a[1] === undefined ? undefined : Number(a[1].key))
      case 'restart':
        return this.restart(this.node(a[0]!))
      default:
        throw new Error(`line ${b.line}: unknown command ${b.command}`)
    }
  }

  private tryRun(f: () => void): void {
    try {
      f()
    } catch (err) {
      if (!(err instanceof Error) || err.name === 'RaftInvariantError') throw err
      this.print(`${err.name}: ${err.message}`)
    }
  }

  private node(arg: CommandArg): EnvNode {
    const id = nodeId(arg.key)
    const n = this.nodes.find((x) => x.id === id)
    if (n === undefined) throw new Error(`no node ${id}`)
    return n
  }

  private forEachNode(a: CommandArg[], f: (n: EnvNode) => void, header: boolean): void {
    const nodes = a.length === 0 ? this.nodes : a.map((x) => this.node(x))
    for (const n of nodes) {
      if (header) {
        this.print(`> ${n.id} handling Ready`)
        this.withIndent(() => f(n))
      } else {
        f(n)
      }
    }
  }

  private addNodes(a: CommandArg[]): void {
    const count = Number(a[0]!.key)
    const voters = (a.find((x) => x.key === 'voters')?.vals ?? []).map(nodeId)
    const learners = (a.find((x) => x.key === 'learners')?.vals ?? []).map(nodeId)
    const bool = (key: string, dflt: boolean): boolean => {
      const v = a.find((x) => x.key === key)?.vals[0]
      return v === undefined ? dflt : v === 'true'
    }
    const num = (key: string, dflt: number): number => Number(a.find((x) => x.key === key)?.vals[0] ?? dflt)
    const opts: NodeOptions = {
      electionTick: num('election', 3),
      heartbeatTick: num('heartbeat', 1),
      preVote: bool('prevote', false),
      checkQuorum: bool('checkquorum', false),
      maxInflightMsgs: num('inflight', 256),
      maxSizePerMsg: num('max-msg-size', Infinity),
    }
    // Creation logs are noise in scripts; the status line below says what was created.
    const savedLevel = this.level
    this.level = 'none'
    const created: EnvNode[] = []
    for (let i = 0; i < count; i++) {
      const id = `n${this.nodes.length + 1}`
      const storage = new MemoryStorage()
      let confState = emptyConfState()
      if (learners.length > 0) {
        // bootstrap() takes voters only; seed storage with the snapshot it would write.
        confState = { ...emptyConfState(), voters, learners }
        storage.installSnapshot({ metadata: { index: 1, term: 1, confState }, data: new Uint8Array(0) })
        storage.setHardState({ term: 1, vote: '', commit: 1 })
      }
      const n: EnvNode = { id, rawNode: this.newRawNode(id, storage, opts, confState.voters.length > 0 ? 1 : 0), storage, confState, applied: 1, opts }
      this.nodes.push(n)
      if (voters.length > 0 && learners.length === 0) {
        n.rawNode.bootstrap(voters)
        // Persist the bootstrap Ready quietly; it only carries the initial snapshot.
        this.handleReady(n, n.rawNode.ready())
      }
      if (voters.length === 0 && learners.length === 0) n.applied = 0
      created.push(n)
    }
    this.level = savedLevel
    for (const n of created) this.print(describeStatus(n.rawNode.status()))
  }

  private newRawNode(id: NodeId, storage: MemoryStorage, o: NodeOptions, applied: number): RawNode {
    return new RawNode(
      { storage, logger: this.logger },
      {
        id,
        electionTick: o.electionTick,
        heartbeatTick: o.heartbeatTick,
        preVote: o.preVote,
        checkQuorum: o.checkQuorum,
        maxInflightMsgs: o.maxInflightMsgs,
        maxSizePerMsg: o.maxSizePerMsg,
        // Scripts pin the randomised election timeout to its minimum, electionTick.
        randomInt: () => 0,
        applied,
      },
    )
  }

  private tick(n: EnvNode, count: number): void {
    for (let i = 0; i < count; i++) n.rawNode.tick()
  }

  private processReady(n: EnvNode): void {
    const rd = n.rawNode.ready()
    this.print(describeReady(rd))
    this.handleReady(n, rd)
  }

  /** The driver's job, in Raft's order: persist, send, apply, advance. */
  private handleReady(n: EnvNode, rd: ReturnType<RawNode['ready']>): void {
    persistReady(n.storage, rd)
    for (const m of rd.messages) {
      if (this.cut.has(`${m.from}|${m.to}`)) continue
      this.messages.push(m)
    }
    if (rd.snapshot !== undefined) {
      n.confState = rd.snapshot.metadata.confState
      n.applied = rd.snapshot.metadata.index
    }
    for (const e of rd.committedEntries) {
      if (e.type === 'conf-change') n.confState = n.rawNode.applyConfChange(decodeConfChange(e.data))
      n.applied = e.index
    }
    n.rawNode.advance(rd)
  }

  private deliverMsgs(a: CommandArg[]): void {
    const type = a.find((x) => x.key === 'type')?.vals[0]
    const drop = new Set((a.find((x) => x.key === 'drop')?.vals ?? []).map(nodeId))
    const to = a.filter((x) => x.vals.length === 0).map((x) => nodeId(x.key))
    let n = 0
    for (const id of [...to, ...drop]) n += this.deliverTo(id, type, drop.has(id))
    if (n === 0) this.print('no messages')
  }

  private deliverTo(to: NodeId, type: string | undefined, drop: boolean): number {
    const mine = this.messages.filter((m) => m.to === to && (type === undefined || m.type === type))
    this.messages = this.messages.filter((m) => !mine.includes(m))
    for (const m of mine) {
      this.print(`${drop ? 'dropped: ' : ''}${describeMessage(m)}`)
      if (drop) continue
      const target = this.nodes.find((x) => x.id === to)
      if (target === undefined) continue
      try {
        target.rawNode.step(m)
      } catch (err) {
        this.print(`${(err as Error).name}: ${(err as Error).message}`)
      }
    }
    return mine.length
  }

  private stabilize(nodes: EnvNode[]): void {
    for (;;) {
      let done = true
      for (const n of nodes) {
        if (!n.rawNode.hasReady()) continue
        done = false
        this.print(`> ${n.id} handling Ready`)
        this.withIndent(() => this.processReady(n))
      }
      for (const n of nodes) {
        if (!this.messages.some((m) => m.to === n.id)) continue
        done = false
        this.print(`> ${n.id} receiving messages`)
        this.withIndent(() => this.deliverTo(n.id, undefined, false))
      }
      if (done) return
    }
  }

  private partition(groups: NodeId[][]): void {
    this.cut.clear()
    for (const g of groups) {
      for (const h of groups) {
        if (g === h) continue
        for (const x of g) for (const y of h) this.cut.add(`${x}|${y}`)
      }
    }
    // Messages already in flight across the cut are lost too.
    this.messages = this.messages.filter((m) => !this.cut.has(`${m.from}|${m.to}`))
  }

  private raftLog(n: EnvNode): void {
    const log = n.rawNode.logView()
    const first = log.firstIndex()
    const last = log.lastIndex()
    if (last < first) {
      this.print(`log is empty: first index=${first}, last index=${last}`)
      return
    }
    for (const e of log.slice(first, last + 1)) this.print(describeEntry(e))
  }

  /** Take a snapshot at the applied index (or `index`) and compact the log up to it. */
  private compact(n: EnvNode, index: number | undefined): void {
    const at = index ?? n.applied
    n.storage.makeSnapshot(at, n.confState, new TextEncoder().encode(`snapshot of ${n.id} at ${at}`))
    n.storage.compactTo(at)
    this.raftLog(n)
  }

  /** Crash and restart: the in-memory storage stands for what was persisted. */
  private restart(n: EnvNode): void {
    const snap = n.storage.snapshot()
    n.confState = snap.metadata.confState
    n.applied = snap.metadata.index
    this.messages = this.messages.filter((m) => m.from !== n.id && m.to !== n.id)
    n.rawNode = this.newRawNode(n.id, n.storage, n.opts, n.applied)
  }
}
