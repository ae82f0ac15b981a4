import { describe, expect, it } from 'vitest'
import { InvalidError } from '../../node/api/errors.js'
import { resourceByPlural } from '../../node/api/resources/registry.js'
import { validateObject } from '../../node/api/validation/validate-object.js'

const rcs = resourceByPlural('replicationcontrollers')!

function rc(restartPolicy?: string): Record<string, unknown> {
  const spec = { containers: [{ name: 'a', command: ['sleep', '1'] }], ...(restartPolicy !== undefined ? { restartPolicy } : {}) }
  return { metadata: { name: 'web' }, spec: { replicas: 1, selector: { app: 'web' }, template: { metadata: { labels: { app: 'web' } }, spec } } }
}

describe('replication controller template restartPolicy', () => {
  it('accepts Always or nothing, as Kubernetes does', () => {
    expect(() => validateObject(rcs, rc(), { operation: 'create', namespace: 'default' })).not.toThrow()
    expect(() => validateObject(rcs, rc('Always'), { operation: 'create', namespace: 'default' })).not.toThrow()
  })

  it('rejects OnFailure and Never: a finished replica would be replaced forever', () => {
    for (const policy of ['OnFailure', 'Never']) {
      let err: unknown
      try {
        validateObject(rcs, rc(policy), { operation: 'create', namespace: 'default' })
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(InvalidError)
      const causes = (err as InvalidError).details?.causes ?? []
      expect(causes).toContainEqual(expect.objectContaining({ field: 'spec.template.spec.restartPolicy', reason: 'FieldValueNotSupported' }))
    }
  })
})
