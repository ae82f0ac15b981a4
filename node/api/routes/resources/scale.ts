import { z } from 'zod'
import type { KubeObject } from '../../../../crdt/index.js'
import { selectorFromObject, selectorFromSet } from '../../../../crdt/index.js'
import type { LabelSelectorObject } from '../../../../crdt/index.js'
import { BadRequestError } from '../../errors.js'
import { invalidObject } from '../../validation/field-error.js'
import { replicaCount } from '../../validation/kinds-schema.js'
import { causesFromZod } from '../../validation/zod-causes.js'

/** The autoscaling/v1 Scale subresource of anything with `spec.replicas`. */
export interface Scale {
  apiVersion: 'autoscaling/v1'
  kind: 'Scale'
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string; creationTimestamp?: string }
  spec: { replicas: number }
  status: { replicas: number; selector: string }
}

interface Scalable {
  replicas?: number
  selector?: Record<string, string> | LabelSelectorObject
  template?: { metadata?: { labels?: Record<string, string> } }
}

const scaleBody = z.looseObject({ spec: z.looseObject({ replicas: replicaCount }) })

/** A map selector (rc) or a metav1.LabelSelector (deployments) as the selector string. */
function selectorString(spec: Scalable): string {
  const s = spec.selector ?? spec.template?.metadata?.labels
  if (s === undefined) return ''
  const structured = 'matchLabels' in s || 'matchExpressions' in s
  return (structured ? selectorFromObject(s as LabelSelectorObject) : selectorFromSet(s as Record<string, string>)).toString()
}

export function toScale(obj: KubeObject): Scale {
  const spec = (obj.spec ?? {}) as Scalable
  const status = (obj.status ?? {}) as { replicas?: number }
  const { name, namespace, uid, resourceVersion, creationTimestamp } = obj.metadata
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: {
      name,
      ...(namespace !== undefined ? { namespace } : {}),
      ...(uid !== undefined ? { uid } : {}),
      ...(resourceVersion !== undefined ? { resourceVersion } : {}),
      ...(creationTimestamp !== undefined ? { creationTimestamp } : {}),
    },
    spec: { replicas: spec.replicas ?? 1 },
    status: { replicas: status.replicas ?? 0, selector: selectorString(spec) },
  }
}

/** The replica count a Scale body asks for; 422 with the field's cause when it is not one. */
export function replicasOf(body: unknown, name: string): number {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadRequestError('the request body must be a Scale object')
  const parsed = scaleBody.safeParse(body, { reportInput: true })
  if (!parsed.success) throw invalidObject('Scale', name, causesFromZod(parsed.error))
  return parsed.data.spec.replicas
}

/** The object with its replica count set, for the writer to validate and store. */
export function withReplicas(obj: KubeObject, replicas: number): KubeObject {
  return { ...obj, spec: { ...(obj.spec as Record<string, unknown>), replicas } } as KubeObject
}
