import { createSocket } from 'node:dgram'
import type { RemoteInfo, Socket as UdpSocket } from 'node:dgram'
import { createServer, isIPv6 } from 'node:net'
import type { AddressInfo, Server, Socket } from 'node:net'
import { decode } from 'dns-packet'
import type { DecodedPacket } from 'dns-packet'
import type { Startable } from '../../../lib/startable.js'
import type { Logger } from '../../logger.js'
import { errorCode } from '../error-code.js'
import { answerQuery, encodeWithin, udpLimitOf } from './dns-answer.js'
import { buildZone } from './dns-zone.js'
import type { DnsConfig, DnsZone } from './dns-zone.js'

export interface ServiceDnsComponents {
  logger: Logger
}

export interface ServiceDnsInit {
  /** Default '0.0.0.0'. */
  host?: string
  /** UDP and TCP port; default 8600 (53 needs privileges), 0 picks a free one (tests). */
  port?: number
  /** Default 'shoal'. */
  domain?: string
  /** Record TTL in seconds; short, since endpoints and nodes change. Default 5. */
  ttl?: number
  /** A TCP connection idle this long is closed; default 10 s. */
  tcpIdleMs?: number
}

/** Largest DNS message over TCP (2-byte length prefix). */
const MAX_TCP_MESSAGE = 65535

/**
 * A small authoritative DNS server for `NAME.NS.svc.shoal` (A/AAAA) and
 * `_port._tcp.NAME.NS.svc.shoal` (SRV), over UDP and TCP on the same port (TCP for answers
 * that do not fit a datagram). Driven by plain data through `update()`. Packets that do not
 * decode are dropped without a reply: answering garbage would only help reflection attacks.
 */
export class ServiceDns implements Startable {
  private zone: DnsZone
  private serial = 1
  private udp: UdpSocket | undefined
  private tcp: Server | undefined
  private readonly connections = new Set<Socket>()
  private readonly host: string
  private readonly domain: string
  private readonly ttl: number

  constructor(
    private readonly components: ServiceDnsComponents,
    private readonly init: ServiceDnsInit = {},
  ) {
    this.host = init.host ?? '0.0.0.0'
    this.domain = init.domain ?? 'shoal'
    this.ttl = init.ttl ?? 5
    this.zone = buildZone({ services: [], nodes: [] }, { domain: this.domain, ttl: this.ttl, serial: this.serial })
  }

  /** Replaces every record at once; the next query sees the new zone. */
  update(config: DnsConfig): void {
    this.serial = (this.serial % 0xffffffff) + 1
    this.zone = buildZone(config, { domain: this.domain, ttl: this.ttl, serial: this.serial })
  }

  /** The bound UDP/TCP address; undefined before start(). */
  address(): { host: string; port: number } | undefined {
    if (this.udp === undefined) return undefined
    const a = this.udp.address()
    return { host: a.address, port: a.port }
  }

  async start(): Promise<void> {
    const requested = this.init.port ?? 8600
    // TCP first: with port 0 the kernel picks a port free for TCP, and the same number is then
    // almost always free for UDP too; when it is not, pick again.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.bind(requested)
        break
      } catch (err) {
        if (requested !== 0 || errorCode(err) !== 'EADDRINUSE' || attempt >= 5) throw err
      }
    }
    this.components.logger.info({ address: this.address(), domain: this.domain }, 'service dns listening')
  }

  private async bind(port: number): Promise<void> {
    const tcp = await this.listenTcp(port)
    const udp = createSocket({ type: isIPv6(this.host) ? 'udp6' : 'udp4' })
    udp.on('message', (msg, rinfo) => this.onDatagram(udp, msg, rinfo))
    try {
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject)
        udp.bind((tcp.address() as AddressInfo).port, this.host, () => {
          udp.off('error', reject)
          resolve()
        })
      })
    } catch (err) {
      udp.close()
      await new Promise<void>((resolve) => tcp.close(() => resolve()))
      throw err
    }
    udp.on('error', (err) => this.components.logger.warn({ err }, 'dns udp socket error'))
    this.udp = udp
    this.tcp = tcp
  }

  async stop(): Promise<void> {
    const udp = this.udp
    const tcp = this.tcp
    this.udp = undefined
    this.tcp = undefined
    for (const socket of this.connections) socket.destroy()
    if (udp !== undefined) await new Promise<void>((resolve) => udp.close(() => resolve()))
    if (tcp !== undefined) await new Promise<void>((resolve) => tcp.close(() => resolve()))
  }

  /**
   * The encoded response to one message, or undefined to stay silent: for what does not decode
   * (answering garbage would only help reflection attacks) and for what fails to encode.
   */
  private respondTo(message: Buffer, limitOf: (query: DecodedPacket) => number): Buffer | undefined {
    try {
      const query = decode(message)
      const response = answerQuery(query, this.zone)
      return response === undefined ? undefined : encodeWithin(response, limitOf(query))
    } catch (err) {
      this.components.logger.debug({ err }, 'dns message ignored')
      return undefined
    }
  }

  private onDatagram(udp: UdpSocket, message: Buffer, rinfo: RemoteInfo): void {
    const bytes = this.respondTo(message, udpLimitOf)
    if (bytes !== undefined) udp.send(bytes, rinfo.port, rinfo.address)
  }

  private listenTcp(port: number): Promise<Server> {
    return new Promise((resolve, reject) => {
      const server = createServer((socket) => this.onTcpConnection(socket))
      server.once('error', reject)
      server.listen({ host: this.host, port }, () => {
        server.off('error', reject)
        server.on('error', (err) => this.components.logger.warn({ err }, 'dns tcp server error'))
        resolve(server)
      })
    })
  }

  /** RFC 7766 framing: each message is preceded by its 2-byte length; several may be pipelined. */
  private onTcpConnection(socket: Socket): void {
    this.connections.add(socket)
    socket.once('close', () => this.connections.delete(socket))
    socket.on('error', () => socket.destroy())
    socket.setTimeout(this.init.tcpIdleMs ?? 10_000, () => socket.destroy())
    let buffered = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk])
      while (buffered.length >= 2) {
        const length = buffered.readUInt16BE(0)
        if (buffered.length < 2 + length) break
        const message = buffered.subarray(2, 2 + length)
        buffered = buffered.subarray(2 + length)
        const bytes = this.respondTo(message, () => MAX_TCP_MESSAGE)
        if (bytes === undefined) {
          // A stream whose message does not decode cannot be trusted to stay in frame.
          socket.destroy()
          return
        }
        const prefix = Buffer.alloc(2)
        prefix.writeUInt16BE(bytes.length)
        socket.write(Buffer.concat([prefix, bytes]))
      }
    })
  }
}
