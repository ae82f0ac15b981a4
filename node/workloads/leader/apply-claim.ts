import type { ObjectStore } from '../../../crdt/index.js'
import type { Claim, OwnerObject } from '../../controllers/index.js'
import { controllerRefTo } from '../../controllers/index.js'
import type { OwnerReference } from '../../objects/pod.js'

/** An object a controller claims: pods for the replica manager, ReplicaSets for Deployments. */
interface Claimable {
  metadata: { name: string; ownerReferences?: readonly OwnerReference[] | undefined }
}

/**
 * Write the ownership changes of a claim (see `claim`) to objects of `plural` in the owner's
 * namespace: the owner becomes the controller of the adopted objects and is dropped from the owner
 * references of the released ones. The patches go out together; one that fails goes to `failed`
 * and is retried by the next round, which claims again.
 */
export async function applyClaim<T extends Claimable>(
  store: ObjectStore,
  plural: 'pods' | 'replicasets',
  owner: OwnerObject,
  changes: Pick<Claim<T>, 'adopt' | 'release'>,
  failed: (change: 'adoption' | 'release', err: unknown) => void = () => undefined,
): Promise<void> {
  const ns = owner.metadata.namespace ?? 'default'
  const patch = (obj: T, ownerReferences: readonly OwnerReference[], change: 'adoption' | 'release'): Promise<void> =>
    store.patch(plural, ns, obj.metadata.name, { metadata: { ownerReferences } } as never).then(
      () => undefined,
      (err: unknown) => failed(change, err),
    )
  const controller = controllerRefTo(owner)
  await Promise.all([
    ...changes.adopt.map((obj) => patch(obj, [controller], 'adoption')),
    ...changes.release.map((obj) => patch(obj, (obj.metadata.ownerReferences ?? []).filter((o) => o.uid !== owner.metadata.uid), 'release')),
  ])
}
