import * as Y from 'yjs'
import { ObjectStore } from '../../crdt/index.js'
import type { KubeObject } from '../../crdt/index.js'
import { silentLogger } from '../../node/logger.js'
import { ApiServer } from '../../node/api/server.js'
import type { ResourceRoutes, ResourceRoutesComponents } from '../../node/api/routes/resources/resource-routes.js'
import { resourceRoutes } from '../../node/api/routes/resources/resource-routes.js'
import { storeErrorTranslator } from '../../node/store/store-errors.js'
import { TestApi } from '../harness/api.js'

export interface Status {
  kind: 'Status'
  code: number
  reason: string
  message: string
  details?: { name?: string; kind?: string; causes?: { field?: string; reason: string; message: string }[] }
}

export interface List<T = KubeObject> {
  kind: string
  apiVersion: string
  metadata: { resourceVersion: string }
  items: T[]
}

/** A pod that validates and that no scheduler can place (so a running agent leaves it alone). */
export function pod(name: string, labels: Record<string, string> = {}, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { nodeSelector: { 'test.shoal.io/nowhere': 'true' }, containers: [{ name: 'main', command: ['sleep', '60'] }] },
    ...extra,
  }
}

export function rc(name: string, replicas = 0): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name },
    spec: { replicas, selector: { app: name }, template: { metadata: { labels: { app: name } }, spec: pod(name).spec } },
  } as KubeObject
}

export function service(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] } } as KubeObject
}

export function event(name: string, involved: string, reason = 'Started'): KubeObject {
  return { apiVersion: 'v1', kind: 'Event', metadata: { name }, involvedObject: { kind: 'Pod', name: involved }, reason, message: `${reason} ${involved}`, type: 'Normal' }
}

export function namespace(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }
}

export interface ResourceApi {
  api: TestApi
  store: ObjectStore
  routes: ResourceRoutes
  close(): Promise<void>
}

/**
 * The resource routes on a bare API server over an in-memory store: no p2p, no agents, for tests
 * that need to hand in views or computed sources, or look at the routes' own state.
 */
export async function startResourceApi(components: Omit<ResourceRoutesComponents, 'store'> = {}): Promise<ResourceApi> {
  const store = new ObjectStore({ doc: new Y.Doc(), logger: silentLogger() })
  store.start()
  await store.createIfAbsent('namespaces', namespace('default'))
  const routes = resourceRoutes({ store, ...components })
  const server = new ApiServer({ logger: silentLogger(), token: 'secret', routes: [routes], translators: [storeErrorTranslator] }, { host: '127.0.0.1', port: 0 })
  await server.start()
  return {
    api: new TestApi(server.address, 'secret'),
    store,
    routes,
    close: async () => {
      await server.stop()
      store.stop()
    },
  }
}

export { WatchReader, type WatchEventOf } from '../harness/watch-reader.js'
