import { describe, expect, it } from 'vitest'
import { BadRequestError, InvalidError } from '../../node/api/errors.js'
import { resourceByPlural } from '../../node/api/resources/registry.js'
import type { ValidationContext } from '../../node/api/validation/validate-object.js'
import { validateObject } from '../../node/api/validation/validate-object.js'

const pods = resourceByPlural('pods')!
const rcs = resourceByPlural('replicationcontrollers')!
const services = resourceByPlural('services')!
const namespaces = resourceByPlural('namespaces')!
const create: ValidationContext = { operation: 'create', namespace: 'default' }

function causes(fn: () => unknown): { field?: string; reason: string; message: string }[] {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidError)
    return (err as InvalidError).details?.causes ?? []
  }
  throw new Error('expected validation to fail')
}

const goodPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: { containers: [{ name: 'main', command: ['sleep', '100'], ports: [{ name: 'http', containerPort: 8080 }] }] },
}

describe('validateObject', () => {
  it('accepts a good pod, fills namespace, drops status and keeps unknown fields', () => {
    const out = validateObject(pods, { ...goodPod, status: { phase: 'Running' }, spec: { ...goodPod.spec, volumes: [] } }, create)
    expect(out.metadata.namespace).toBe('default')
    expect(out.status).toBeUndefined()
    expect((out.spec as { volumes: unknown[] }).volumes).toEqual([])
  })

  it('lists every field at fault with Kubernetes reasons', () => {
    const c = causes(() =>
      validateObject(
        pods,
        {
          metadata: { name: 'Bad_Name', labels: { 'bad key!': 'x' } },
          spec: {
            containers: [
              { name: 'a', command: ['x'], ports: [{ containerPort: 70000 }] },
              { name: 'a', resources: { requests: { memory: '12 MB' } } },
            ],
            restartPolicy: 'Sometimes',
          },
        },
        create,
      ),
    )
    const fields = c.map((x) => `${x.field}:${x.reason}`)
    expect(fields).toContain('metadata.name:FieldValueInvalid')
    expect(fields).toContain('metadata.labels.bad key!:FieldValueInvalid')
    expect(fields).toContain('spec.containers[0].ports[0].containerPort:FieldValueInvalid')
    expect(fields).toContain('spec.containers[1].image:FieldValueRequired')
    expect(fields).toContain('spec.containers[1].resources.requests.memory:FieldValueInvalid')
    expect(fields).toContain('spec.restartPolicy:FieldValueNotSupported')
  })

  it('reports duplicate container names and host ports', () => {
    const c = causes(() =>
      validateObject(
        pods,
        { metadata: { name: 'p' }, spec: { containers: [{ name: 'a', command: ['x'], ports: [{ containerPort: 1, hostPort: 9000 }] }, { name: 'a', command: ['y'], ports: [{ containerPort: 2, hostPort: 9000 }] }] } },
        create,
      ),
    )
    expect(c.map((x) => `${x.field}:${x.reason}`)).toEqual(['spec.containers[1].name:FieldValueDuplicate', 'spec.containers[1].ports[0].hostPort:FieldValueDuplicate'])
  })

  it('names an object by its invalid name, without a spurious "required" cause', () => {
    try {
      validateObject(pods, { ...goodPod, metadata: { name: 'Bad_Name' } }, create)
      throw new Error('expected a 422')
    } catch (err) {
      expect((err as InvalidError).message).toMatch(/^Pod "Bad_Name" is invalid: metadata.name: /)
      expect((err as InvalidError).details?.causes?.map((c) => c.reason)).toEqual(['FieldValueInvalid'])
    }
  })

  it('requires containers, a name, and matching kind', () => {
    const c = causes(() => validateObject(pods, { kind: 'Service', metadata: {}, spec: {} }, create))
    expect(c.map((x) => x.field).sort()).toEqual(['kind', 'metadata.name', 'spec.containers'])
    expect(c.find((x) => x.field === 'spec.containers')?.reason).toBe('FieldValueRequired')
  })

  it('rejects a non-object body as a bad request', () => {
    expect(() => validateObject(pods, [1, 2], create)).toThrow(BadRequestError)
    expect(() => validateObject(pods, 'x', create)).toThrow(BadRequestError)
  })

  it('checks probes, requests against limits, and docker images', () => {
    const c = causes(() =>
      validateObject(
        pods,
        {
          metadata: { name: 'p' },
          spec: {
            runtimeClassName: 'docker',
            containers: [
              {
                name: 'c',
                command: ['x'],
                resources: { requests: { cpu: '2' }, limits: { cpu: '1' } },
                livenessProbe: { httpGet: { port: 80 }, tcpSocket: { port: 80 } },
                readinessProbe: { periodSeconds: 0, exec: { command: ['true'] } },
              },
            ],
          },
        },
        create,
      ),
    )
    const fields = c.map((x) => x.field)
    expect(fields).toContain('spec.containers[0].image')
    expect(fields).toContain('spec.containers[0].resources.requests.cpu')
    expect(fields).toContain('spec.containers[0].livenessProbe')
    expect(fields).toContain('spec.containers[0].readinessProbe.periodSeconds')
  })

  it('generates names from generateName and checks URL name and namespace on update', () => {
    const out = validateObject(pods, { ...goodPod, metadata: { generateName: 'web-' } }, create)
    expect(out.metadata.name).toMatch(/^web-[a-z0-9]{5}$/)
    const c = causes(() => validateObject(pods, { ...goodPod, metadata: { name: 'other', namespace: 'prod' } }, { operation: 'update', name: 'web', namespace: 'default' }))
    expect(c.map((x) => x.field).sort()).toEqual(['metadata.name', 'metadata.namespace'])
  })

  it('requires the RC selector to match template labels and services to name multiple ports', () => {
    const rc = causes(() =>
      validateObject(rcs, { metadata: { name: 'r' }, spec: { replicas: -1, selector: { app: 'x' }, template: { metadata: { labels: { app: 'y' } }, spec: goodPod.spec } } }, create),
    )
    expect(rc.map((x) => x.field).sort()).toEqual(['spec.replicas', 'spec.template.metadata.labels'])
    const svc = causes(() => validateObject(services, { metadata: { name: 's' }, spec: { ports: [{ port: 80 }, { port: 80, name: 'b' }] } }, create))
    expect(svc.map((x) => `${x.field}:${x.reason}`).sort()).toEqual(['spec.ports[0].name:FieldValueRequired', 'spec.ports[1].port:FieldValueDuplicate'])
  })

  it('validates namespace names as DNS labels and never gives them a namespace', () => {
    expect(validateObject(namespaces, { metadata: { name: 'prod' } }, { operation: 'create' }).metadata.namespace).toBeUndefined()
    expect(causes(() => validateObject(namespaces, { metadata: { name: 'a.b' } }, { operation: 'create' })).map((x) => x.field)).toEqual(['metadata.name'])
  })
})
