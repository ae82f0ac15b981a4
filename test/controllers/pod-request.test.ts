import { describe, expect, it } from 'vitest'
import { HOSTNAME_LABEL, podRequests, toPendingPod } from '../../node/controllers/index.js'
import type { Container, PodSpec } from '../../node/controllers/index.js'
import { makePod, makeRc, T0 } from './fixtures.js'

function podWith(spec: PodSpec): ReturnType<typeof makePod> {
  return makePod('p', { spec })
}

describe('toPendingPod', () => {
  it('sums requests over containers, with limits standing in per resource for missing requests', () => {
    const containers: Container[] = [
      { name: 'a', command: ['x'], resources: { requests: { cpu: '250m', memory: '64Mi' } } },
      { name: 'b', command: ['x'], resources: { requests: { cpu: 1 }, limits: { cpu: 2, memory: '1Gi' } } },
      { name: 'c', command: ['x'] },
    ]
    const pending = toPendingPod(podWith({ containers }))
    expect(pending.requests).toEqual({ cpuMillis: 1250, memoryBytes: 64 * 2 ** 20 + 2 ** 30 })
  })

  it('counts a malformed quantity as 0 and names it, so the caller can report it', () => {
    const pod = podWith({ containers: [{ name: 'a', command: ['x'], resources: { requests: { cpu: 'lots', memory: '1Ki' }, limits: { memory: 'huge' } } }] })
    expect(podRequests(pod)).toEqual({ cpuMillis: 0, memoryBytes: 1024, invalid: ['a.requests.cpu: "lots"'] })
    expect(toPendingPod(pod).requests).toEqual({ cpuMillis: 0, memoryBytes: 1024 })
  })

  it.each([
    ['image without command needs docker', { containers: [{ name: 'a', image: 'busybox' }] }, 'docker', true],
    ['an empty command counts as none', { containers: [{ name: 'a', image: 'busybox', command: [] }] }, 'docker', true],
    ['image with command may run either way', { containers: [{ name: 'a', image: 'busybox', command: ['sh'] }] }, undefined, true],
    ['no image needs the process rule', { containers: [{ name: 'a', command: ['sleep'] }] }, undefined, false],
    ['an explicit class wins', { runtimeClassName: 'process', containers: [{ name: 'a', image: 'busybox' }] }, 'process', true],
    ['one image-only container forces docker', { containers: [{ name: 'a', command: ['sleep'] }, { name: 'b', image: 'busybox' }] }, 'docker', false],
  ] satisfies [string, PodSpec, string | undefined, boolean][])('runtime: %s', (_title, spec, runtime, images) => {
    const pending = toPendingPod(podWith(spec))
    expect(pending.runtimeClassName).toBe(runtime)
    expect(pending.images).toBe(images)
  })

  it('lists ports from every container, keeping fixed host ports', () => {
    const pending = toPendingPod(
      podWith({
        containers: [
          { name: 'web', command: ['x'], ports: [{ name: 'http', containerPort: 80, hostPort: 8080 }, { containerPort: 9090 }] },
          { name: 'side', command: ['y'], ports: [{ name: 'metrics', containerPort: 9100 }] },
        ],
      }),
    )
    expect(pending.ports).toEqual([
      { container: 'web', name: 'http', containerPort: 80, hostPort: 8080 },
      { container: 'web', containerPort: 9090 },
      { container: 'side', name: 'metrics', containerPort: 9100 },
    ])
  })

  it('takes identity, creation time and controller owner from metadata', () => {
    const rc = makeRc('web')
    const pending = toPendingPod(makePod('web-1', { namespace: 'prod', owner: rc, age: 1500 }))
    expect(pending).toMatchObject({ uid: 'uid-web-1', namespace: 'prod', name: 'web-1', ownerUid: 'uid-web', createdAt: T0 + 1500 })
    expect(toPendingPod(makePod('bare'))).not.toHaveProperty('ownerUid')
  })

  it('turns a user-given nodeName into a selector on the hostname label, merged with nodeSelector', () => {
    const pending = toPendingPod(podWith({ nodeName: 'n2', nodeSelector: { disk: 'ssd' }, containers: [{ name: 'a', command: ['x'] }] }))
    expect(pending.nodeSelector).toEqual({ disk: 'ssd', [HOSTNAME_LABEL]: 'n2' })
    expect(toPendingPod(podWith({ containers: [{ name: 'a', command: ['x'] }] })).nodeSelector).toEqual({})
  })
})
