import { z } from 'zod'
import { annotationMap, dns1123Subdomain, labelMap } from './names.js'

const ownerReference = z.looseObject({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  name: z.string().min(1),
  uid: z.string().min(1),
  controller: z.boolean().optional(),
  blockOwnerDeletion: z.boolean().optional(),
})

/**
 * Object metadata as a client may send it. Server-owned fields (uid, creationTimestamp,
 * generation, resourceVersion) are accepted and then overwritten by the store, except that a
 * resourceVersion on replace is a precondition.
 */
export const metadataSchema = z.looseObject({
  name: dns1123Subdomain.optional(),
  generateName: z.string().max(200).optional(),
  namespace: z.string().optional(),
  labels: labelMap.optional(),
  annotations: annotationMap.optional(),
  ownerReferences: z.array(ownerReference).max(20).optional(),
  resourceVersion: z.string().optional(),
  uid: z.string().optional(),
  creationTimestamp: z.string().nullable().optional(),
  generation: z.number().optional(),
  finalizers: z.array(z.string()).optional(),
})

export type Metadata = z.infer<typeof metadataSchema>
