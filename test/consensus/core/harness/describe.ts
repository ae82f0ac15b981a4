// Text forms of Raft values for golden scripts, traces and failure reports.

import { decodeConfChange, describeConfChange } from '../../../../consensus/core/conf-change.js'
import type { Ready } from '../../../../consensus/core/ready.js'
import type { RaftStatus } from '../../../../consensus/core/status.js'
import type { ConfState, Entry, HardState, Message, Snapshot } from '../../../../consensus/core/types.js'

const decoder = new TextDecoder()

export function describeData(e: Entry): string {
  if (e.type === 'conf-change') {
    try {
      return describeConfChange(decodeConfChange(e.data))
    } catch {
      return '<undecodable conf change>'
    }
  }
  return JSON.stringify(decoder.decode(e.data))
}

export function describeEntry(e: Entry): string {
  return `${e.term}/${e.index} ${e.type === 'conf-change' ? 'conf-change' : 'normal'} ${describeData(e)}`
}

export function describeConfState(cs: ConfState): string {
  const list = (ids: string[]): string => `[${ids.join(' ')}]`
  let s = `Voters:${list(cs.voters)}`
  if (cs.votersOutgoing.length > 0) s += ` VotersOutgoing:${list(cs.votersOutgoing)}`
  if (cs.learners.length > 0) s += ` Learners:${list(cs.learners)}`
  if (cs.learnersNext.length > 0) s += ` LearnersNext:${list(cs.learnersNext)}`
  if (cs.autoLeave) s += ' AutoLeave'
  return s
}

export function describeSnapshot(s: Snapshot): string {
  return `Index:${s.metadata.index} Term:${s.metadata.term} ${describeConfState(s.metadata.confState)}`
}

export function describeHardState(hs: HardState): string {
  return `Term:${hs.term}${hs.vote !== '' ? ` Vote:${hs.vote}` : ''} Commit:${hs.commit}`
}

export function describeMessage(m: Message): string {
  let s = `${m.from}->${m.to} ${m.type} Term:${m.term} Log:${m.logTerm}/${m.index}`
  if (m.commit !== 0) s += ` Commit:${m.commit}`
  if (m.reject) s += ` Rejected (Hint: ${m.rejectHint})`
  if (m.context.length > 0) s += ` Context:${describeContext(m.context)}`
  if (m.entries.length > 0) s += ` Entries:[${m.entries.map(describeEntry).join(', ')}]`
  if (m.snapshot !== undefined) s += `\n  Snapshot: ${describeSnapshot(m.snapshot)}`
  return s
}

/** Printable contexts (read ids, 'transfer') as text; binary ones (read-only positions) as hex. */
function describeContext(ctx: Uint8Array): string {
  const printable = ctx.every((b) => b >= 0x20 && b < 0x7f)
  return printable ? JSON.stringify(decoder.decode(ctx)) : Buffer.from(ctx).toString('hex')
}

export function describeReady(rd: Ready): string {
  const lines = [`Ready MustSync=${rd.mustSync}:`]
  if (rd.softState !== undefined) lines.push(`Lead:${rd.softState.lead === '' ? '-' : rd.softState.lead} Role:${rd.softState.role}`)
  if (rd.hardState !== undefined) lines.push(`HardState ${describeHardState(rd.hardState)}`)
  if (rd.snapshot !== undefined) lines.push(`Snapshot ${describeSnapshot(rd.snapshot)}`)
  if (rd.readStates.length > 0) {
    lines.push(`ReadStates: ${rd.readStates.map((r) => `{Index:${r.index} Ctx:${JSON.stringify(decoder.decode(r.requestCtx))}}`).join(' ')}`)
  }
  if (rd.entries.length > 0) lines.push('Entries:', ...rd.entries.map(describeEntry))
  if (rd.committedEntries.length > 0) lines.push('CommittedEntries:', ...rd.committedEntries.map(describeEntry))
  if (rd.messages.length > 0) lines.push('Messages:', ...rd.messages.map(describeMessage))
  return lines.join('\n')
}

export function describeStatus(s: RaftStatus): string {
  const set = (ids: string[]): string => `(${ids.join(' ')})`
  let line = `${s.id}: ${s.role} term=${s.term} lead=${s.lead === '' ? '-' : s.lead} commit=${s.commit} applied=${s.applied} voters=${set(s.voters)}`
  if (s.votersOutgoing.length > 0) line += `&&${set(s.votersOutgoing)}`
  if (s.learners.length > 0) line += ` learners=${set(s.learners)}`
  if (s.learnersNext.length > 0) line += ` learners_next=${set(s.learnersNext)}`
  if (s.autoLeave) line += ' autoleave'
  if (s.leadTransferee !== '') line += ` transferee=${s.leadTransferee}`
  const lines = [line]
  if (s.progress !== undefined) {
    for (const [id, pr] of Object.entries(s.progress)) {
      let p = `  ${id}: ${pr.state} match=${pr.match} next=${pr.next}`
      if (pr.isLearner) p += ' learner'
      if (pr.paused) p += ' paused'
      if (pr.pendingSnapshot > 0) p += ` pendingSnap=${pr.pendingSnapshot}`
      if (!pr.recentActive) p += ' inactive'
      if (pr.inflight > 0) p += ` inflight=${pr.inflight}`
      lines.push(p)
    }
  }
  return lines.join('\n')
}
