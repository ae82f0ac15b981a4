import { describe, expect, it } from 'vitest'
import type { JsonValue } from '../../crdt/index.js'
import { applyStrategicMergePatch } from '../../node/api/patch/strategic-merge-patch.js'

const rc = (containers: JsonValue): JsonValue => ({ spec: { replicas: 1, template: { spec: { containers } } } })

describe('strategic merge patch', () => {
  it('merges containers by name and env by name, keeping what the patch does not name', () => {
    const live = rc([
      { name: 'a', command: ['sleep', '1'], env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }] },
      { name: 'b', command: ['sleep', '2'] },
    ])
    // What kubectl apply sends when one env value of container a changed.
    const patch = {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }],
            containers: [{ '$setElementOrder/env': [{ name: 'X' }, { name: 'Y' }], env: [{ name: 'X', value: '9' }], name: 'a' }],
          },
        },
      },
    }
    expect(applyStrategicMergePatch(live, patch)).toEqual(
      rc([
        { name: 'a', command: ['sleep', '1'], env: [{ name: 'X', value: '9' }, { name: 'Y', value: '2' }] },
        { name: 'b', command: ['sleep', '2'] },
      ]),
    )
  })

  it('deletes list elements with $patch: delete and reorders by $setElementOrder', () => {
    const live = rc([{ name: 'a' }, { name: 'b' }, { name: 'c' }])
    const patch = { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }], containers: [{ name: 'b', $patch: 'delete' }] } } } }
    expect(applyStrategicMergePatch(live, patch)).toEqual(rc([{ name: 'c' }, { name: 'a' }]))
  })

  it('appends new elements and replaces lists without a merge key (command, args) whole', () => {
    const live = rc([{ name: 'a', args: ['x', 'y'] }])
    const patch: JsonValue = { spec: { template: { spec: { containers: [{ name: 'a', args: ['z'] }, { name: 'n', command: ['true'] }] } } } }
    expect(applyStrategicMergePatch(live, patch)).toEqual(rc([{ name: 'a', args: ['z'] }, { name: 'n', command: ['true'] }]))
  })

  it('merges container ports by containerPort and service ports by port', () => {
    const pod: JsonValue = { spec: { containers: [{ name: 'a', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }] }] } }
    expect(applyStrategicMergePatch(pod, { spec: { containers: [{ name: 'a', ports: [{ containerPort: 443, name: 'https' }] }] } })).toEqual({
      spec: { containers: [{ name: 'a', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443, name: 'https' }] }] },
    })
    const svc: JsonValue = { spec: { ports: [{ port: 80, targetPort: 'http' }, { port: 90 }] } }
    expect(applyStrategicMergePatch(svc, { spec: { ports: [{ port: 90, targetPort: 9090 }] } })).toEqual({ spec: { ports: [{ port: 80, targetPort: 'http' }, { port: 90, targetPort: 9090 }] } })
  })

  it('honours null deletes, $patch: replace on maps and lists, $retainKeys and primitive lists', () => {
    const live = { metadata: { labels: { a: '1', b: '2' }, finalizers: ['x', 'y'] }, spec: { selector: { app: 'web', tier: 'f' } } }
    expect(applyStrategicMergePatch(live, { metadata: { labels: { a: null, c: '3' } } })).toEqual({ ...live, metadata: { ...live.metadata, labels: { b: '2', c: '3' } } })
    expect(applyStrategicMergePatch(live, { spec: { selector: { $patch: 'replace', app: 'api' } } })).toEqual({ ...live, spec: { selector: { app: 'api' } } })
    expect(applyStrategicMergePatch(live, { spec: { selector: { $retainKeys: ['app'], app: 'web' } } })).toEqual({ ...live, spec: { selector: { app: 'web' } } })
    expect(applyStrategicMergePatch(live, { metadata: { finalizers: ['z', 'x'] } })).toEqual({ ...live, metadata: { ...live.metadata, finalizers: ['x', 'y', 'z'] } })
    expect(applyStrategicMergePatch(live, { metadata: { '$deleteFromPrimitiveList/finalizers': ['x'] } })).toEqual({ ...live, metadata: { ...live.metadata, finalizers: ['y'] } })
    const pod = { spec: { containers: [{ name: 'a' }, { name: 'b' }] } }
    expect(applyStrategicMergePatch(pod, { spec: { containers: [{ $patch: 'replace' }, { name: 'c' }] } })).toEqual({ spec: { containers: [{ name: 'c' }] } })
  })

  it('refuses malformed directives and keyless elements with a 400, leaving the input unchanged', () => {
    const live = rc([{ name: 'a' }])
    const before = JSON.stringify(live)
    expect(() => applyStrategicMergePatch(live, { spec: { template: { spec: { containers: [{ image: 'x' }] } } } })).toThrow(/must be an object with "name"/)
    expect(() => applyStrategicMergePatch(live, { spec: { $patch: 'explode' } })).toThrow(/unknown \$patch directive/)
    expect(() => applyStrategicMergePatch(live, { $patch: 'delete' })).toThrow(/may not delete the whole object/)
    expect(JSON.stringify(live)).toBe(before)
  })
})
