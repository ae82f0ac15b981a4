import { describe, expect, it } from 'vitest'
import type { Container } from '../../node/objects/pod.js'
import { ProbePortNotFoundError, resolveProbePort } from '../../node/workloads/probes/probe-port.js'
import { runProbe } from '../../node/workloads/probes/run-probe.js'
import { bindingFor, loopbackTarget } from './fixtures.js'

const container: Container = {
  name: 'main',
  ports: [
    { name: 'http', containerPort: 8080 },
    { name: 'admin', containerPort: 9000, hostPort: 19000 },
  ],
}
const binding = bindingFor('uid-1', [
  { container: 'main', name: 'http', containerPort: 8080, hostPort: 31001 },
  { container: 'main', name: 'admin', containerPort: 9000, hostPort: 19000 },
  { container: 'sidecar', name: 'metrics', containerPort: 8080, hostPort: 31002 },
])

describe('probe port resolution', () => {
  it('maps a declared container port number to the allocated host port of this container', () => {
    expect(resolveProbePort(8080, binding, container)).toBe(31001)
    expect(resolveProbePort('8080', binding, container)).toBe(31001)
  })

  it('takes an undeclared number as the port the process listens on', () => {
    expect(resolveProbePort(7000, binding, container)).toBe(7000)
  })

  it('maps a port name to its host port, including a fixed hostPort from the spec', () => {
    expect(resolveProbePort('http', binding, container)).toBe(31001)
    expect(resolveProbePort('admin', bindingFor('uid-1'), container)).toBe(19000)
  })

  it('rejects a name the container does not declare, even if another container does', () => {
    expect(() => resolveProbePort('metrics', binding, container)).toThrow(ProbePortNotFoundError)
  })

  it('turns an unknown port name into a failed probe with a clear message', async () => {
    const result = await runProbe({ tcpSocket: { port: 'nope' } }, loopbackTarget(container), 1000)
    expect(result).toEqual({ ok: false, message: 'container main has no port named "nope"' })
  })

  it('fails a probe that has no handler', async () => {
    expect(await runProbe({}, loopbackTarget(container), 1000)).toMatchObject({ ok: false })
  })
})
