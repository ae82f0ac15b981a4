// Applies ConfChanges to a tracker's configuration, after etcd's confchange package. Every
// operation works on a copy and either returns a complete, invariant-checked result or throws
// ConfChangeInvalidError, leaving the tracker untouched.

import type { ConfChange, ConfChangeSingle } from './conf-change.js'
import { enterJoint, isLeaveJoint } from './conf-change.js'
import { ConfChangeInvalidError } from './errors.js'
import { Progress } from './progress.js'
import type { Inflights } from './inflights.js'
import type { ProgressMap, TrackerConfig } from './progress-tracker.js'
import type { ConfState, NodeId } from './types.js'

export interface ChangeResult {
  config: TrackerConfig
  progress: ProgressMap
}

interface WorkingConfig {
  incoming: Set<NodeId>
  outgoing: Set<NodeId>
  learners: Set<NodeId>
  learnersNext: Set<NodeId>
  autoLeave: boolean
}

/** The configuration a change starts from (a ProgressTracker satisfies this). */
export interface ChangerBase {
  readonly config: TrackerConfig
  readonly progress: ProgressMap
  newInflights(): Inflights
}

export class ConfChanger {
  constructor(
    private readonly base: ChangerBase,
    /** Last log index; new members start probing from here. */
    private readonly lastIndex: number,
  ) {}

  /** Apply a ConfChange as the Raft core does when its entry is applied. */
  apply(cc: ConfChange): ChangeResult {
    if (isLeaveJoint(cc)) return this.leaveJoint()
    const joint = enterJoint(cc)
    if (joint !== undefined) return this.enterJoint(joint.autoLeave, cc.changes)
    return this.simple(cc.changes)
  }

  /**
   * Enter `new && old`: the outgoing half is the current voter set, the incoming half is the
   * current set with the changes applied.
   */
  enterJoint(autoLeave: boolean, changes: ConfChangeSingle[]): ChangeResult {
    const { cfg, prs } = this.copy()
    if (cfg.outgoing.size > 0) throw new ConfChangeInvalidError('config is already joint')
    if (cfg.incoming.size === 0) throw new ConfChangeInvalidError("can't make a zero-voter config joint")
    for (const id of cfg.incoming) cfg.outgoing.add(id)
    this.applyChanges(cfg, prs, changes)
    cfg.autoLeave = autoLeave
    return finish(cfg, prs)
  }

  /** Drop the outgoing half; learners-next become learners, nodes in neither half go away. */
  leaveJoint(): ChangeResult {
    const { cfg, prs } = this.copy()
    if (cfg.outgoing.size === 0) throw new ConfChangeInvalidError("can't leave a non-joint config")
    for (const id of cfg.learnersNext) {
      cfg.learners.add(id)
      prs.get(id)!.isLearner = true
    }
    cfg.learnersNext.clear()
    for (const id of cfg.outgoing) {
      if (!cfg.incoming.has(id) && !cfg.learners.has(id)) prs.delete(id)
    }
    cfg.outgoing.clear()
    cfg.autoLeave = false
    return finish(cfg, prs)
  }

  /**
   * Changes that alter at most one voter. Changing one voter at a time is safe without joint
   * consensus because any majority of the old and of the new set intersect (thesis §4.1).
   */
  simple(changes: ConfChangeSingle[]): ChangeResult {
    const { cfg, prs } = this.copy()
    if (cfg.outgoing.size > 0) throw new ConfChangeInvalidError("can't apply simple config change in joint config")
    this.applyChanges(cfg, prs, changes)
    const before = this.base.config.voters.incoming
    let diff = 0
    for (const id of before) if (!cfg.incoming.has(id)) diff++
    for (const id of cfg.incoming) if (!before.has(id)) diff++
    if (diff > 1) throw new ConfChangeInvalidError('more than one voter changed without entering joint config')
    return finish(cfg, prs)
  }

  private applyChanges(cfg: WorkingConfig, prs: ProgressMap, changes: ConfChangeSingle[]): void {
    for (const c of changes) {
      if (c.nodeId === '') continue
      if (c.type === 'add-node') this.makeVoter(cfg, prs, c.nodeId)
      else if (c.type === 'add-learner') this.makeLearner(cfg, prs, c.nodeId)
      else this.remove(cfg, prs, c.nodeId)
    }
    if (cfg.incoming.size === 0) throw new ConfChangeInvalidError('removed all voters')
  }

  private makeVoter(cfg: WorkingConfig, prs: ProgressMap, id: NodeId): void {
    const pr = prs.get(id)
    if (pr === undefined) {
      this.initProgress(cfg, prs, id, false)
      return
    }
    pr.isLearner = false
    cfg.learners.delete(id)
    cfg.learnersNext.delete(id)
    cfg.incoming.add(id)
  }

  private makeLearner(cfg: WorkingConfig, prs: ProgressMap, id: NodeId): void {
    const pr = prs.get(id)
    if (pr === undefined) {
      this.initProgress(cfg, prs, id, true)
      return
    }
    if (pr.isLearner) return
    // Remove it as a voter first, keeping its progress.
    this.remove(cfg, prs, id)
    prs.set(id, pr)
    // A voter of the outgoing half must keep voting there until the joint config is left; it
    // becomes a learner only then.
    if (cfg.outgoing.has(id)) {
      cfg.learnersNext.add(id)
    } else {
      pr.isLearner = true
      cfg.learners.add(id)
    }
  }

  private remove(cfg: WorkingConfig, prs: ProgressMap, id: NodeId): void {
    if (!prs.has(id)) return
    cfg.incoming.delete(id)
    cfg.learners.delete(id)
    cfg.learnersNext.delete(id)
    // An outgoing voter still counts for the outgoing majority until the joint config is left.
    if (!cfg.outgoing.has(id)) prs.delete(id)
  }

  private initProgress(cfg: WorkingConfig, prs: ProgressMap, id: NodeId, isLearner: boolean): void {
    if (isLearner) cfg.learners.add(id)
    else cfg.incoming.add(id)
    prs.set(
      id,
      new Progress({
        // Probe from the last index: the first append reveals where the new member's log ends.
        next: Math.max(this.lastIndex, 1),
        isLearner,
        // Count a new member as active so CheckQuorum does not step down before it answers.
        recentActive: true,
        inflights: this.base.newInflights(),
      }),
    )
  }

  private copy(): { cfg: WorkingConfig; prs: ProgressMap } {
    const c = this.base.config
    const cfg: WorkingConfig = {
      incoming: new Set(c.voters.incoming),
      outgoing: new Set(c.voters.outgoing),
      learners: new Set(c.learners),
      learnersNext: new Set(c.learnersNext),
      autoLeave: c.autoLeave,
    }
    const prs: ProgressMap = new Map()
    for (const [id, pr] of this.base.progress) prs.set(id, pr.clone())
    checkInvariants(cfg, prs)
    return { cfg, prs }
  }
}

function checkInvariants(cfg: WorkingConfig, prs: ProgressMap): void {
  for (const set of [cfg.incoming, cfg.outgoing, cfg.learners, cfg.learnersNext]) {
    for (const id of set) if (!prs.has(id)) throw new ConfChangeInvalidError(`no progress for ${id}`)
  }
  for (const id of cfg.learnersNext) {
    if (!cfg.outgoing.has(id)) throw new ConfChangeInvalidError(`${id} is in learners_next but not an outgoing voter`)
    if (prs.get(id)!.isLearner) throw new ConfChangeInvalidError(`${id} is in learners_next but already a learner`)
  }
  for (const id of cfg.learners) {
    if (cfg.outgoing.has(id) || cfg.incoming.has(id)) throw new ConfChangeInvalidError(`${id} is both learner and voter`)
    if (!prs.get(id)!.isLearner) throw new ConfChangeInvalidError(`${id} is in learners but not marked learner`)
  }
  if (cfg.outgoing.size === 0) {
    if (cfg.learnersNext.size > 0) throw new ConfChangeInvalidError('learners_next must be empty when not joint')
    if (cfg.autoLeave) throw new ConfChangeInvalidError('autoLeave must be false when not joint')
  }
}

function finish(cfg: WorkingConfig, prs: ProgressMap): ChangeResult {
  checkInvariants(cfg, prs)
  const sorted: ProgressMap = new Map([...prs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
  return {
    config: {
      voters: { incoming: cfg.incoming, outgoing: cfg.outgoing },
      learners: cfg.learners,
      learnersNext: cfg.learnersNext,
      autoLeave: cfg.autoLeave,
    },
    progress: sorted,
  }
}

/**
 * Rebuild the configuration a ConfState describes by replaying it as changes on an empty config:
 * the outgoing voters as simple additions, then the incoming side as one joint change.
 */
export function restoreConfig(newInflights: () => Inflights, lastIndex: number, cs: ConfState): ChangeResult {
  let result: ChangeResult = finish({ incoming: new Set(), outgoing: new Set(), learners: new Set(), learnersNext: new Set(), autoLeave: false }, new Map())
  const changer = (): ConfChanger => new ConfChanger({ ...result, newInflights }, lastIndex)
  const incoming: ConfChangeSingle[] = [
    ...cs.votersOutgoing.map((id): ConfChangeSingle => ({ type: 'remove-node', nodeId: id })),
    ...cs.voters.map((id): ConfChangeSingle => ({ type: 'add-node', nodeId: id })),
    ...cs.learners.map((id): ConfChangeSingle => ({ type: 'add-learner', nodeId: id })),
    ...cs.learnersNext.map((id): ConfChangeSingle => ({ type: 'add-learner', nodeId: id })),
  ]
  if (cs.votersOutgoing.length === 0) {
    for (const c of incoming) result = changer().simple([c])
  } else {
    for (const id of cs.votersOutgoing) result = changer().simple([{ type: 'add-node', nodeId: id }])
    result = changer().enterJoint(cs.autoLeave, incoming)
  }
  return result
}
