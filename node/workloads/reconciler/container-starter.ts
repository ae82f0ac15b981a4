import type { Binding } from '../../allocation/commands.js'
import type { Logger } from '../../logger.js'
import type { Container, Pod } from '../../objects/pod.js'
import type { ContainerRuntime } from '../../runtime/types.js'
import type { EventSink } from '../events/event-sink.js'
import { podRef } from '../events/event-sink.js'
import type { NodeFacts } from './container-env.js'
import { containerSpecFor } from './container-env.js'
import { PullProgressSummary } from './pull-progress.js'
import type { StartBackoff, StartFailure } from './start-backoff.js'
import type { WaitingStates } from './waiting-states.js'

export interface StarterComponents {
  events: EventSink
  logger: Logger
  self: NodeFacts
  waiting: WaitingStates
  backoff: StartBackoff
  now: () => number
  /** Ask for a sync soon, so that a pull's progress reaches the pod status. */
  trigger: () => void
}

export interface StartTarget {
  pod: Pod
  binding: Binding
  runtime: ContainerRuntime
}

/** Pull progress reaches the waiting message at most this often (each change is a store write). */
export const PROGRESS_INTERVAL_MS = 1000

function failureOf(err: unknown): StartFailure {
  const name = err instanceof Error ? err.name : ''
  return name === 'ImagePullError' || name === 'ImageNotFoundError' ? 'ErrImagePull' : 'CreateContainerError'
}

/**
 * Pull the container's image if the runtime needs it, then create and start the container. The
 * waiting state follows along (ContainerCreating, Pulling with progress, then ErrImagePull or
 * CreateContainerError on failure, which also starts the start back-off). Never throws: returns
 * whether the container was started.
 */
export async function startContainer(c: StarterComponents, target: StartTarget, container: Container): Promise<boolean> {
  const uid = target.binding.podUid
  const ref = podRef(target.pod)
  try {
    if (target.runtime.ensureImage !== undefined && container.image !== undefined) await pull(c, target, container, container.image)
    await target.runtime.create(containerSpecFor(target.pod, container, target.binding, c.self))
    c.backoff.succeeded(uid, container.name)
    c.waiting.set(uid, container.name, undefined)
    c.events.record(ref, 'Normal', 'Started', `Started container ${container.name}`)
    return true
  } catch (err) {
    const reason = failureOf(err)
    const message = err instanceof Error ? err.message : String(err)
    c.backoff.failed(uid, container.name, reason, container.image, c.now())
    c.waiting.set(uid, container.name, { reason, message })
    c.events.record(ref, 'Warning', 'Failed', `${reason}: ${message}`)
    c.logger.warn({ err, pod: target.pod.metadata.name, container: container.name }, 'could not start a container')
    return false
  }
}

async function pull(c: StarterComponents, target: StartTarget, container: Container, image: string): Promise<void> {
  const uid = target.binding.podUid
  const ref = podRef(target.pod)
  c.waiting.set(uid, container.name, { reason: 'ContainerCreating' })
  const summary = new PullProgressSummary(image)
  const started = c.now()
  let pulling = false
  let shownAt = 0
  await target.runtime.ensureImage!(image, (p) => {
    summary.update(p)
    if (!pulling) {
      pulling = true
      c.events.record(ref, 'Normal', 'Pulling', `Pulling image "${image}"`)
    }
    const now = c.now()
    if (now - shownAt < PROGRESS_INTERVAL_MS) return
    shownAt = now
    c.waiting.set(uid, container.name, { reason: 'Pulling', message: summary.message() })
    c.trigger()
  })
  if (pulling) c.events.record(ref, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${((c.now() - started) / 1000).toFixed(3)}s`)
}
