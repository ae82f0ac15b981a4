import { createSocket } from 'node:dgram'
import { connect } from 'node:net'
import { decode, encode, RECURSION_DESIRED } from 'dns-packet'
import type { Answer, DecodedPacket, Packet, RecordType } from 'dns-packet'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../../node/logger.js'
import { ServiceDns } from '../../node/services/dns/service-dns.js'
import type { DnsConfig } from '../../node/services/dns/dns-zone.js'

const rcodeOf = (p: DecodedPacket): number => (p.flags ?? 0) & 0xf
const NOERROR = 0
const FORMERR = 1
const NXDOMAIN = 3
const NOTIMP = 4
const REFUSED = 5

let nextId = 1
function query(name: string, type: RecordType | 'ANY' = 'A', extra: Partial<Packet> = {}): Packet {
  return { type: 'query', id: nextId++, flags: RECURSION_DESIRED, questions: [{ name, type: type as RecordType }], ...extra }
}

/** Sends datagrams from one socket and collects every reply that arrives within `waitMs`. */
async function udpExchange(port: number, messages: Buffer[], waitMs: number): Promise<DecodedPacket[]> {
  const socket = createSocket('udp4')
  const replies: DecodedPacket[] = []
  socket.on('message', (msg) => replies.push(decode(msg)))
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  for (const m of messages) socket.send(m, port, '127.0.0.1')
  await new Promise((r) => setTimeout(r, waitMs))
  socket.close()
  return replies
}

/** One query, answered as soon as the reply arrives. */
function ask(port: number, packet: Packet): Promise<DecodedPacket> {
  const socket = createSocket('udp4')
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no dns reply')), 2000)
    socket.on('message', (msg) => {
      clearTimeout(timer)
      socket.close()
      resolve(decode(msg))
    })
    socket.send(encode(packet), port, '127.0.0.1')
  })
}

function askTcp(port: number, packet: Packet): Promise<DecodedPacket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port })
    let buffered = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk])
      if (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        socket.destroy()
        resolve(decode(buffered.subarray(2, 2 + buffered.readUInt16BE(0))))
      }
    })
    socket.on('error', reject)
    const body = encode(packet)
    const prefix = Buffer.alloc(2)
    prefix.writeUInt16BE(body.length)
    socket.write(Buffer.concat([prefix, body]))
  })
}

const dataOf = (answers: readonly Answer[] | undefined): unknown[] => (answers ?? []).map((a) => ('data' in a ? a.data : undefined))

const config: DnsConfig = {
  services: [
    { name: 'web', namespace: 'default', ports: [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9100 }] },
    { name: 'db', namespace: 'prod', ports: [{ port: 5432 }] },
  ],
  nodes: [
    { name: 'n3', ip: '127.0.0.3' },
    { name: 'n1', ip: '127.0.0.1' },
    { name: 'n2', ip: '127.0.0.2' },
    { name: 'gone', ip: '127.0.0.9', ready: false },
  ],
  self: '127.0.0.2',
}

describe('ServiceDns', () => {
  const dns = new ServiceDns({ logger: silentLogger() }, { host: '127.0.0.1', port: 0 })
  let port = 0

  beforeAll(async () => {
    dns.update(config)
    await dns.start()
    port = dns.address()!.port
  })
  afterAll(async () => {
    await dns.stop()
  })

  it('answers a service name with the ready nodes, this node first', async () => {
    const reply = await ask(port, query('web.default.svc.shoal'))
    expect(reply.type).toBe('response')
    expect(rcodeOf(reply)).toBe(NOERROR)
    expect(reply.flag_aa).toBe(true)
    expect(reply.flag_rd).toBe(true)
    expect(reply.flag_ra).toBe(false)
    expect(dataOf(reply.answers)).toEqual(['127.0.0.2', '127.0.0.1', '127.0.0.3'])
    expect(reply.answers?.[0]).toMatchObject({ name: 'web.default.svc.shoal', type: 'A', ttl: 5 })
  })

  it('matches names without regard to case or a trailing dot', async () => {
    const reply = await ask(port, query('DB.Prod.SVC.shoal.'))
    expect(rcodeOf(reply)).toBe(NOERROR)
    expect(reply.answers).toHaveLength(3)
  })

  it('answers SRV for a named port, with the target addresses as additionals', async () => {
    const reply = await ask(port, query('_http._tcp.web.default.svc.shoal', 'SRV'))
    expect(rcodeOf(reply)).toBe(NOERROR)
    expect(dataOf(reply.answers)).toEqual([{ priority: 0, weight: 100, port: 8080, target: 'web.default.svc.shoal' }])
    expect(reply.additionals?.map((a) => [a.name, a.type])).toEqual([
      ['web.default.svc.shoal', 'A'],
      ['web.default.svc.shoal', 'A'],
      ['web.default.svc.shoal', 'A'],
    ])
  })

  it('returns NXDOMAIN with the SOA for an unknown name in the zone', async () => {
    for (const name of ['nope.default.svc.shoal', '_grpc._tcp.web.default.svc.shoal', 'web.other.svc.shoal']) {
      const reply = await ask(port, query(name))
      expect(rcodeOf(reply), name).toBe(NXDOMAIN)
      expect(reply.answers).toEqual([])
      expect(reply.authorities?.[0]).toMatchObject({ name: 'shoal', type: 'SOA' })
    }
  })

  it('returns no data, not NXDOMAIN, for a name that exists without such records', async () => {
    for (const [name, type] of [['web.default.svc.shoal', 'AAAA'], ['default.svc.shoal', 'A'], ['_tcp.web.default.svc.shoal', 'SRV']] as const) {
      const reply = await ask(port, query(name, type))
      expect(rcodeOf(reply), name).toBe(NOERROR)
      expect(reply.answers).toEqual([])
      expect(reply.authorities?.[0]?.type).toBe('SOA')
    }
  })

  it('refuses names outside its zone and does not implement other opcodes', async () => {
    expect(rcodeOf(await ask(port, query('example.com')))).toBe(REFUSED)
    expect(rcodeOf(await ask(port, query('shoal.example')))).toBe(REFUSED)
    expect(rcodeOf(await ask(port, { ...query('web.default.svc.shoal'), flags: 2 << 11 }))).toBe(NOTIMP)
    const two: Packet = { type: 'query', id: nextId++, questions: [{ name: 'a.shoal', type: 'A' }, { name: 'b.shoal', type: 'A' }] }
    expect(rcodeOf(await ask(port, two))).toBe(FORMERR)
  })

  it('ignores garbage and responses, and keeps answering', async () => {
    const valid = query('web.default.svc.shoal')
    const replies = await udpExchange(
      port,
      [Buffer.from('definitely not dns'), Buffer.alloc(0), Buffer.from([0, 1, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 3]), encode({ ...query('web.default.svc.shoal'), type: 'response' }), encode(valid)],
      150,
    )
    expect(replies.map((r) => r.id)).toEqual([valid.id])
  })

  it('applies update() to the next query', async () => {
    dns.update({ ...config, services: [{ name: 'api', namespace: 'default', ports: [{ name: 'http', port: 80 }] }] })
    expect(rcodeOf(await ask(port, query('web.default.svc.shoal')))).toBe(NXDOMAIN)
    expect(dataOf((await ask(port, query('_http._tcp.api.default.svc.shoal', 'SRV'))).answers)).toEqual([{ priority: 0, weight: 100, port: 80, target: 'api.default.svc.shoal' }])
    dns.update(config)
  })

  it('truncates an answer too large for UDP and gives it whole over TCP', async () => {
    const nodes = Array.from({ length: 100 }, (_, i) => ({ name: `n${i}`, ip: `127.0.1.${i + 1}` }))
    dns.update({ ...config, nodes })
    const udp = await ask(port, query('web.default.svc.shoal'))
    expect(udp.flag_tc).toBe(true)
    expect(udp.answers).toEqual([])
    const tcp = await askTcp(port, query('web.default.svc.shoal'))
    expect(tcp.flag_tc).toBe(false)
    expect(tcp.answers).toHaveLength(100)
    dns.update(config)
  })
})
