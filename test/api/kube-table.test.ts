import { describe, expect, it } from 'vitest'
import { RESOURCES } from '../../node/api/resources/registry.js'
import { payloadAsTable, wantsTable } from '../../node/api/tables/kube-table.js'
import { unknownFields } from '../../node/api/validation/unknown-fields.js'

const def = (kind: string): (typeof RESOURCES)[number] => RESOURCES.find((r) => r.kind === kind)!

describe('server-side tables', () => {
  it('recognises the Accept header kubectl sends, and nothing else', () => {
    expect(wantsTable('application/json;as=Table;v=v1;g=meta.k8s.io,application/json')).toBe(true)
    expect(wantsTable('application/json; as=Table; g=meta.k8s.io; v=v1')).toBe(true)
    expect(wantsTable('application/json')).toBe(false)
    expect(wantsTable('application/json;as=Table')).toBe(false)
    expect(wantsTable(undefined)).toBe(false)
  })

  it('turns lists and single objects of known kinds into tables, and leaves a Status alone', () => {
    const now = Date.parse('2026-01-01T00:10:00Z')
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', creationTimestamp: '2026-01-01T00:00:00Z', resourceVersion: '7' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } }
    const list = payloadAsTable({ kind: 'ServiceList', apiVersion: 'v1', metadata: { resourceVersion: '9' }, items: [svc] }, { now, include: 'None' }) as { metadata: unknown; rows: { cells: string[]; object?: unknown }[] }
    expect(list.metadata).toEqual({ resourceVersion: '9' })
    expect(list.rows).toEqual([{ cells: ['web', 'ClusterIP', '80/TCP', 'app=web', '10m'] }])
    const one = payloadAsTable(svc, { now, include: 'Object' }) as { rows: { object: unknown }[] }
    expect(one.rows[0]!.object).toBe(svc)
    const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 404 }
    expect(payloadAsTable(status, { now, include: 'Metadata' })).toBe(status)
  })
})

describe('unknown fields', () => {
  it('names fields shoal does not know, at any depth, and not label keys or patch directives', () => {
    const body = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', labels: { anything: 'goes' }, annotations: { 'a/b': 'c' } },
      spec: {
        priorityClassName: 'high',
        containers: [{ name: 'c', image: 'x', imagePullPolicy: 'Always', ports: [{ containerPort: 80, appProtocol: 'http' }], resources: { requests: { cpu: '1' } } }],
        nodeSelector: { zone: 'a' },
        $setElementOrder: [],
      },
      status: { whatever: 1 },
    }
    expect(unknownFields(def('Pod'), body)).toEqual(['spec.priorityClassName', 'spec.containers[0].imagePullPolicy', 'spec.containers[0].ports[0].appProtocol'])
    expect(unknownFields(def('Event'), { involvedObject: { name: 'x' }, reason: 'R', reportingController: 'y' })).toEqual(['reportingController'])
  })
})
