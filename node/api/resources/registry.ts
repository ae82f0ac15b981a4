import type { z } from 'zod'
import { deploymentSpecSchema, replicaSetSpecSchema } from '../validation/apps-schema.js'
import { eventFieldsSchema, namespaceSpecSchema, podSpecSchema, replicationControllerSpecSchema, serviceSpecSchema } from '../validation/kinds-schema.js'

/** One API resource: its names (for URLs, discovery and the CLI) and how its body is validated. */
export interface ResourceDef {
  kind: string
  plural: string
  singular: string
  shortNames: string[]
  group: string
  version: string
  namespaced: boolean
  /** Validates `spec` (kinds with a spec). */
  spec?: z.ZodType
  /** Validates the top-level fields of kinds without a spec (events). */
  fields?: z.ZodType
  /** Read-only resources are computed by shoal (endpoints); clients cannot write them. */
  readOnly?: boolean
  subresources?: string[]
}

export const RESOURCES: ResourceDef[] = [
  { kind: 'Namespace', plural: 'namespaces', singular: 'namespace', shortNames: ['ns'], group: '', version: 'v1', namespaced: false, spec: namespaceSpecSchema },
  { kind: 'Pod', plural: 'pods', singular: 'pod', shortNames: ['po'], group: '', version: 'v1', namespaced: true, spec: podSpecSchema, subresources: ['log', 'status'] },
  { kind: 'Service', plural: 'services', singular: 'service', shortNames: ['svc'], group: '', version: 'v1', namespaced: true, spec: serviceSpecSchema, subresources: ['status'] },
  {
    kind: 'ReplicationController',
    plural: 'replicationcontrollers',
    singular: 'replicationcontroller',
    shortNames: ['rc'],
    group: '',
    version: 'v1',
    namespaced: true,
    spec: replicationControllerSpecSchema,
    subresources: ['scale', 'status'],
  },
  { kind: 'ReplicaSet', plural: 'replicasets', singular: 'replicaset', shortNames: ['rs'], group: 'apps', version: 'v1', namespaced: true, spec: replicaSetSpecSchema, subresources: ['scale', 'status'] },
  { kind: 'Deployment', plural: 'deployments', singular: 'deployment', shortNames: ['deploy'], group: 'apps', version: 'v1', namespaced: true, spec: deploymentSpecSchema, subresources: ['scale', 'status'] },
  { kind: 'Event', plural: 'events', singular: 'event', shortNames: ['ev'], group: '', version: 'v1', namespaced: true, fields: eventFieldsSchema },
  { kind: 'Node', plural: 'nodes', singular: 'node', shortNames: ['no'], group: '', version: 'v1', namespaced: false, readOnly: true },
  { kind: 'Endpoints', plural: 'endpoints', singular: 'endpoints', shortNames: ['ep'], group: '', version: 'v1', namespaced: true, readOnly: true },
]

export function apiVersionOf(def: ResourceDef): string {
  return def.group === '' ? def.version : `${def.group}/${def.version}`
}

/** Find a resource by plural, singular, kind or short name, case-insensitively (for the CLI). */
export function findResource(name: string): ResourceDef | undefined {
  const n = name.toLowerCase()
  return RESOURCES.find((r) => r.plural === n || r.singular === n || r.kind.toLowerCase() === n || r.shortNames.includes(n))
}

export function resourceByPlural(plural: string): ResourceDef | undefined {
  return RESOURCES.find((r) => r.plural === plural)
}
