import { createServer } from 'node:net'
import type { AddressInfo, Server } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tcpSocketProbe } from '../../node/workloads/probes/tcp-probe.js'
import { blackholePort, freePort } from '../services/net-helpers.js'
import { loopbackTarget } from './fixtures.js'

describe('tcpSocket probe', () => {
  let server: Server
  let port: number
  let accepted = 0
  beforeAll(async () => {
    server = createServer((socket) => {
      accepted++
      socket.destroy()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as AddressInfo).port
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('succeeds when the port accepts a connection', async () => {
    expect(await tcpSocketProbe({ port }, loopbackTarget({ name: 'main' }), 1000)).toMatchObject({ ok: true })
    await new Promise((r) => setTimeout(r, 20))
    expect(accepted).toBeGreaterThan(0)
  })

  it('fails when the connection is refused', async () => {
    const closed = await freePort()
    expect(await tcpSocketProbe({ port: closed }, loopbackTarget({ name: 'main' }), 1000)).toEqual({ ok: false, message: `dial tcp 127.0.0.1:${closed}: connect: connection refused` })
  })

  it('fails when the connection does not open within the timeout', async () => {
    const hole = await blackholePort()
    try {
      const result = await tcpSocketProbe({ port: hole.port }, loopbackTarget({ name: 'main' }), 150)
      expect(result).toEqual({ ok: false, message: `dial tcp 127.0.0.1:${hole.port}: i/o timeout after 150ms` })
    } finally {
      hole.close()
    }
  })

  it('maps a container port number to its allocated host port', async () => {
    const target = loopbackTarget({ name: 'main', ports: [{ containerPort: 5432 }] }, [{ container: 'main', containerPort: 5432, hostPort: port }])
    expect(await tcpSocketProbe({ port: 5432 }, target, 1000)).toMatchObject({ ok: true })
  })
})
