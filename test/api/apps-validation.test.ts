import { describe, expect, it } from 'vitest'
import { InvalidError } from '../../node/api/errors.js'
import { listStrategy } from '../../node/api/patch/patch-strategies.js'
import { resourceByPlural } from '../../node/api/resources/registry.js'
import type { ApiObject } from '../../node/api/tables/printer.js'
import { printerFor } from '../../node/api/tables/printers.js'
import { unknownFields } from '../../node/api/validation/unknown-fields.js'
import type { ValidationContext } from '../../node/api/validation/validate-object.js'
import { validateObject } from '../../node/api/validation/validate-object.js'

const deployments = resourceByPlural('deployments')!
const replicaSets = resourceByPlural('replicasets')!
const create: ValidationContext = { operation: 'create', namespace: 'default' }

function causes(fn: () => unknown): { field?: string; message: string }[] {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidError)
    return ((err as InvalidError).details?.causes ?? []).map((c) => ({ field: c.field, message: c.message }))
  }
  throw new Error('expected validation to fail')
}

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', command: ['sleep', '60'] }] } }

function deployment(spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, template, ...spec } }
}

describe('apps/v1 validation', () => {
  it('fills in Kubernetes defaults for a Deployment', () => {
    const out = validateObject(deployments, deployment({}), create)
    expect(out.apiVersion).toBe('apps/v1')
    expect(out.spec).toMatchObject({ replicas: 1, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 })
    const partial = validateObject(deployments, deployment({ strategy: { rollingUpdate: { maxSurge: 0 } } }), create)
    expect((partial.spec as { strategy: unknown }).strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '25%' } })
    const recreate = validateObject(deployments, deployment({ strategy: { type: 'Recreate' } }), create)
    expect((recreate.spec as { strategy: unknown }).strategy).toEqual({ type: 'Recreate' })
  })

  it('rejects a missing, empty or malformed selector, or one the template does not match', () => {
    expect(causes(() => validateObject(deployments, { ...deployment({}), spec: { template } }, create))).toContainEqual({ field: 'spec.selector', message: 'Required value' })
    expect(causes(() => validateObject(deployments, deployment({ selector: {} }), create))).toContainEqual({ field: 'spec.selector', message: 'Invalid value: {}: empty selector is invalid' })
    expect(causes(() => validateObject(deployments, deployment({ selector: { matchLabels: { app: 'api' } } }), create))).toContainEqual({
      field: 'spec.template.metadata.labels',
      message: 'Invalid value: `selector` does not match template `labels`',
    })
    const bad = causes(() => validateObject(replicaSets, { metadata: { name: 'r' }, spec: { selector: { matchExpressions: [{ key: 'app', operator: 'In' }] }, template } }, create))
    expect(bad).toContainEqual({ field: 'spec.selector.matchExpressions[0].values', message: 'Invalid value: matchExpressions[0].values: operator In needs at least one value' })
    expect(causes(() => validateObject(replicaSets, { metadata: { name: 'r' }, spec: { selector: { matchExpressions: [{ key: 'app', operator: 'Near' }] }, template } }, create))[0]?.field).toBe(
      'spec.selector.matchExpressions[0].operator',
    )
  })

  it('checks the strategy, the deadline and the restart policy', () => {
    const c = causes(() =>
      validateObject(
        deployments,
        deployment({
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '0%', maxUnavailable: 0 } },
          minReadySeconds: 30,
          progressDeadlineSeconds: 30,
          template: { ...template, spec: { ...template.spec, restartPolicy: 'Never' } },
        }),
        create,
      ),
    )
    expect(c.map((x) => x.field).sort()).toEqual(['spec.progressDeadlineSeconds', 'spec.strategy.rollingUpdate.maxUnavailable', 'spec.template.spec.restartPolicy'])
    expect(causes(() => validateObject(deployments, deployment({ strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } }), create))[0]?.field).toBe('spec.strategy.rollingUpdate')
    expect(causes(() => validateObject(deployments, deployment({ strategy: { rollingUpdate: { maxUnavailable: '150%' } } }), create))[0]?.message).toBe('Invalid value: "150%": must not be greater than 100%')
    expect(causes(() => validateObject(deployments, deployment({ strategy: { rollingUpdate: { maxSurge: 'half' } } }), create))[0]?.field).toBe('spec.strategy.rollingUpdate.maxSurge')
  })

  it("merges a template's containers and env by name in strategic merge patches (kubectl set image, apply)", () => {
    expect(listStrategy(['spec', 'template', 'spec', 'containers'])).toEqual({ mergeKey: 'name' })
    expect(listStrategy(['spec', 'template', 'spec', 'containers', 'env'])).toEqual({ mergeKey: 'name' })
    expect(listStrategy(['spec', 'template', 'spec', 'containers', 'ports'])).toEqual({ mergeKey: 'containerPort' })
  })

  it('knows the fields Go clients send unset (kubectl create deployment validates strictly)', () => {
    const fromKubectl = deployment({ replicas: 1, strategy: {}, template: { metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'busybox', resources: {} }] } } })
    expect(unknownFields(deployments, { ...fromKubectl, metadata: { name: 'web', creationTimestamp: null }, status: {} })).toEqual([])
  })
})

describe('apps/v1 printers', () => {
  const deploymentPrinter = printerFor('deployments')
  const replicaSetPrinter = printerFor('replicasets')
  const d = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', creationTimestamp: '2024-05-01T12:00:00Z' },
    spec: { replicas: 4, selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] }, template },
    status: { replicas: 5, updatedReplicas: 2, readyReplicas: 3, availableReplicas: 3 },
  } as unknown as ApiObject
  const now = Date.parse('2024-05-01T12:01:00Z')

  it('prints a Deployment as kubectl does, wide with containers and selector', () => {
    expect(deploymentPrinter.headers).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'])
    expect(deploymentPrinter.row(d, now)).toEqual(['web', '3/4', '2', '3', '60s'])
    expect(deploymentPrinter.wideRow!(d, now)).toEqual(['web', 'sleep 60', 'app=web,tier in (a,b)'])
  })

  it('prints a ReplicaSet with desired, current and ready', () => {
    expect(replicaSetPrinter.headers).toEqual(['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'])
    expect(replicaSetPrinter.row(d, now)).toEqual(['web', '4', '5', '3', '60s'])
  })
})
