import { deepEqual } from '../../../crdt/model/json.js'
import type { Deployment, DeploymentDecision, ReplicaSet } from '../../controllers/index.js'
import { controllerRef, deploymentOwner, namespaceOf, reconcileDeployment, REVISION_ANNOTATION } from '../../controllers/index.js'
import type { Pod } from '../../objects/pod.js'
import { objectRef } from '../events/event-sink.js'
import { phaseLookup } from '../pod-view.js'
import { LeaderLoop } from '../../leader/leader-loop.js'
import { applyClaim } from './apply-claim.js'
import { groupBy } from './group-by.js'
import type { ReplicationLoopComponents } from './replication-loop.js'

/** What the replica manager reads and writes, the deployment controller does too. */
export type DeploymentLoopComponents = ReplicationLoopComponents

/**
 * The deployment controller on the leader: applies reconcileDeployment's decisions to the store.
 * It writes ReplicaSets only; their replica manager (ReplicationLoop) creates and deletes the
 * pods, and each of its writes triggers this loop again, so a rollout advances step by step.
 */
export class DeploymentLoop extends LeaderLoop {
  private readonly now: () => number

  constructor(
    private readonly components: DeploymentLoopComponents,
    init: { resyncMs?: number; now?: () => number } = {},
  ) {
    // The resync also lets the progress deadline expire when nothing else happens.
    super(components.logger, init.resyncMs ?? 2000)
    this.now = init.now ?? Date.now
  }

  protected async run(): Promise<void> {
    const { store, allocations, raft, memberTable } = this.components
    if (!raft.isReadyLeader) return
    const deployments = store.list('deployments').items as unknown as Deployment[]
    if (deployments.length === 0) return
    // Listed once per run, not per Deployment: a list walks every key of its kind, and pod events
    // trigger this loop often.
    const setsIn = groupBy(store.list('replicasets').items as unknown as ReplicaSet[], namespaceOf)
    const podsOf = groupBy(store.list('pods').items as unknown as Pod[], (p) => controllerRef(p)?.uid)
    const phaseOf = phaseLookup(allocations, memberTable)
    for (const d of deployments) {
      if (!raft.isReadyLeader) return
      const ns = namespaceOf(d)
      const sets = setsIn.get(ns) ?? []
      // A Deployment counts only the pods its ReplicaSets control.
      const pods = sets.flatMap((rs) => podsOf.get(rs.metadata.uid ?? '') ?? [])
      const decision = reconcileDeployment(d, sets, pods, { now: this.now(), phaseOf })
      await this.apply(d, decision)
      // The next Deployment of the namespace must see whom the ReplicaSets belong to now, or it
      // could adopt one this one just adopted. The local store has the writes at once.
      if (decision.adopt.length > 0 || decision.release.length > 0) setsIn.set(ns, store.list('replicasets', { namespace: ns }).items as unknown as ReplicaSet[])
    }
  }

  private async apply(d: Deployment, decision: DeploymentDecision): Promise<void> {
    const { store, events } = this.components
    const ns = d.metadata.namespace ?? 'default'
    const ref = objectRef('Deployment', d)
    const failed = (what: string) => (err: unknown): void => this.logger.debug({ err, deployment: d.metadata.name }, `${what}; retrying next round`)
    if (decision.problem !== undefined) events.record(ref, 'Warning', 'SelectorProblem', decision.problem)
    await applyClaim(store, 'replicasets', deploymentOwner(d), decision, (change, err) => failed(`${change} failed`)(err))
    if (decision.create !== undefined) await store.create('replicasets', decision.create as never).catch(failed('new replica set not created'))
    for (const u of decision.update) {
      const spec = { replicas: u.replicas, ...(u.minReadySeconds !== undefined ? { minReadySeconds: u.minReadySeconds } : {}) }
      await store.patch('replicasets', ns, u.rs.metadata.name, { metadata: { annotations: u.annotations }, spec }, { expectedUid: u.rs.metadata.uid ?? '' }).catch(failed('replica set not scaled'))
    }
    for (const rs of decision.delete) await store.delete('replicasets', ns, rs.metadata.name, { expectedUid: rs.metadata.uid ?? '' }).catch(failed('old replica set not deleted'))
    for (const e of decision.events) events.record(ref, e.type, e.reason, e.message)
    const expectedUid = d.metadata.uid ?? ''
    if (decision.revision !== undefined) {
      await store.patch('deployments', ns, d.metadata.name, { metadata: { annotations: { [REVISION_ANNOTATION]: decision.revision } } }, { expectedUid }).catch(failed('revision not recorded'))
    }
    if (!deepEqual(d.status ?? {}, decision.status)) {
      await store.updateStatus('deployments', ns, d.metadata.name, decision.status as never, { expectedUid }).catch(failed('status not written'))
    }
  }
}
