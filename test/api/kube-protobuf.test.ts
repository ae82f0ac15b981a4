import { describe, expect, it } from 'vitest'
import { BadRequestError, UnsupportedMediaTypeError } from '../../node/api/errors.js'
import { decodeKubeProtobuf } from '../../node/api/protobuf/kube-protobuf.js'

// A protobuf writer just big enough to build what Go's marshaller sends: fields in number order,
// every non-pointer field present even when empty.

type Value = string | number | bigint | Uint8Array

function varint(n: bigint): number[] {
  const out: number[] = []
  let v = BigInt.asUintN(64, n)
  do {
    const b = Number(v & 0x7fn)
    v >>= 7n
    out.push(v === 0n ? b : b | 0x80)
  } while (v !== 0n)
  return out
}

/** Field `n`: numbers (and bigints) as varints, strings and bytes length-delimited. */
function f(n: number, value: Value): number[] {
  if (typeof value === 'number' || typeof value === 'bigint') return [...varint(BigInt(n << 3)), ...varint(BigInt(value))]
  const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value
  return [...varint(BigInt((n << 3) | 2)), ...varint(BigInt(bytes.length)), ...bytes]
}

const m = (...fields: number[][]): Uint8Array => Uint8Array.from(fields.flat())
const entry = (key: string, value: string | Uint8Array): Uint8Array => m(f(1, key), f(2, value))

function envelope(apiVersion: string, kind: string, raw: Uint8Array): Uint8Array {
  return Uint8Array.from([0x6b, 0x38, 0x73, 0x00, ...f(1, m(f(1, apiVersion), f(2, kind))), ...f(2, raw), ...f(3, ''), ...f(4, '')])
}

/** What `kubectl create deployment web --image=busybox --replicas=0 -- sleep 60` sends, give or take. */
function deploymentBytes(extraContainerField: number[] = []): Uint8Array {
  const meta = m(f(1, 'web'), f(2, ''), f(3, ''), f(8, m()), f(11, entry('app', 'web')))
  const probe = m(f(1, m(f(2, m(f(1, '/'), f(2, m(f(1, 1), f(3, 'http'))))))), f(2, 0), f(4, 5))
  const resources = m(f(2, entry('cpu', m(f(1, '100m')))))
  const container = m(f(1, 'busybox'), f(2, 'busybox'), f(3, 'sleep'), f(3, '60'), f(3, ''), f(5, ''), f(8, resources), f(11, probe), f(13, ''), f(14, ''), f(16, 0), extraContainerField)
  const podSpec = m(f(2, container), f(3, 'Always'), f(4, 0))
  const template = m(f(1, m(f(8, m()), f(11, entry('app', 'web')))), f(2, podSpec))
  const strategy = m(f(1, 'RollingUpdate'), f(2, m(f(1, m(f(1, 1), f(3, '25%'))), f(2, m(f(1, 0), f(2, 0))))))
  const spec = m(f(1, 0), f(2, m(f(1, entry('app', 'web')))), f(3, template), f(4, strategy), f(5, 0), f(7, 0))
  return envelope('apps/v1', 'Deployment', m(f(1, meta), f(2, spec), f(3, m())))
}

describe('Kubernetes protobuf request bodies', () => {
  it('reads a Deployment as its JSON form: Go zero values dropped, pointers, int-or-string, quantities and probe handlers kept', () => {
    expect(decodeKubeProtobuf(deploymentBytes())).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [{ name: 'busybox', image: 'busybox', command: ['sleep', '60', ''], resources: { requests: { cpu: '100m' } }, readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 5 } }],
            restartPolicy: 'Always',
            terminationGracePeriodSeconds: 0,
          },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 0 } },
      },
    })
  })

  it('refuses a field it cannot name once it is set (415), skips it while it is zero', () => {
    expect(() => decodeKubeProtobuf(deploymentBytes(f(15, m(f(1, 1)))))).toThrow(UnsupportedMediaTypeError)
    expect(() => decodeKubeProtobuf(deploymentBytes(f(17, 1)))).toThrow(/field 17 of Container is set/)
    expect(decodeKubeProtobuf(deploymentBytes(f(17, 0)))).toMatchObject({ kind: 'Deployment' })
  })

  it('refuses other kinds (415) and malformed bodies (400)', () => {
    expect(() => decodeKubeProtobuf(envelope('v1', 'Secret', m()))).toThrow(/protobuf bodies only for apps\/v1 Deployment/)
    expect(() => decodeKubeProtobuf(Uint8Array.from([1, 2, 3, 4, 5]))).toThrow(BadRequestError)
    expect(() => decodeKubeProtobuf(envelope('apps/v1', 'Deployment', Uint8Array.from([0x0a, 0x05, 0x01])))).toThrow(/malformed protobuf body/)
  })

  it('reads a Namespace and times', () => {
    const seconds = Date.parse('2024-05-01T12:00:00Z') / 1000
    const ns = decodeKubeProtobuf(envelope('v1', 'Namespace', m(f(1, m(f(1, 'demo'), f(8, m(f(1, seconds))))), f(2, m()))))
    expect(ns).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo', creationTimestamp: '2024-05-01T12:00:00Z' } })
  })
})
