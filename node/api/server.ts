import { timingSafeEqual } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import Fastify from 'fastify'
import type { FastifyInstance, FastifyServerFactory, RawServerDefault } from 'fastify'
import type { Startable } from '../../lib/startable.js'
import type { Logger } from '../logger.js'
import { NotFoundError, UnauthorizedError } from './errors.js'
import { decodeKubeProtobuf, PROTOBUF_MEDIA_TYPE } from './protobuf/kube-protobuf.js'
import type { RouteModule } from './router.js'
import { payloadAsTable, tableRequest } from './tables/kube-table.js'
import { dualProtocolServer } from './tls/dual-protocol-server.js'
import type { DualProtocolServer } from './tls/dual-protocol-server.js'
import type { ServingCert } from './tls/serving-cert.js'
import type { ErrorTranslator } from './status.js'
import { statusOf, toApiError } from './status.js'

export interface ApiServerComponents {
  logger: Logger
  token: string
  routes: RouteModule[]
  translators?: ErrorTranslator[]
}

export interface ApiServerInit {
  host: string
  port: number
  maxBodyBytes?: number
  /** Serve HTTPS on the same port, beside plain HTTP, with the certificate this issues at start. */
  tls?: () => Promise<ServingCert>
}

/** Probes for load balancers and supervisors answer without a token. */
const PUBLIC_PATHS = new Set(['/healthz', '/readyz', '/livez'])

const JSON_TYPES = [
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/json-patch+json',
  'application/apply-patch+yaml',
]

/**
 * The HTTP API: fastify with bearer-token auth on everything but the probes, a body size limit,
 * and every error rendered as a Kubernetes Status.
 */
export class ApiServer implements Startable {
  readonly app: FastifyInstance
  private url: string | undefined
  private readonly token: Buffer
  private dual: DualProtocolServer | undefined

  constructor(
    private readonly components: ApiServerComponents,
    private readonly init: ApiServerInit,
  ) {
    this.token = Buffer.from(components.token)
    // forceCloseConnections: an idle keep-alive client must not hold up a stop.
    // Fastify types its instance by the server's type; the dual server serves plain http.Server
    // requests, so it is presented as one.
    const serverFactory: FastifyServerFactory | undefined =
      init.tls === undefined ? undefined : (handler) => (this.dual = dualProtocolServer(handler)) as unknown as RawServerDefault
    this.app = Fastify({
      bodyLimit: init.maxBodyBytes ?? 3 * 1024 * 1024,
      logger: false,
      return503OnClosing: true,
      forceCloseConnections: true,
      ...(serverFactory !== undefined ? { serverFactory } : {}),
    })
    this.configure()
  }

  get address(): string {
    if (this.url === undefined) throw new Error('API server is not started')
    return this.url
  }

  get port(): number {
    return (this.app.server.address() as AddressInfo).port
  }

  async start(): Promise<void> {
    if (this.dual !== undefined && this.init.tls !== undefined) this.dual.setCertificate(await this.init.tls())
    await this.app.listen({ host: this.init.host, port: this.init.port })
    const host = this.init.host.includes(':') ? `[${this.init.host}]` : this.init.host
    this.url = `http://${host}:${this.port}`
  }

  async stop(): Promise<void> {
    await this.app.close()
  }

  private configure(): void {
    const { app, components } = this
    const translators = components.translators ?? []
    // The JSON variants Kubernetes clients send for patches all parse as JSON here; the route
    // decides what the patch means from the content type.
    app.addContentTypeParser(JSON_TYPES, { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'))
    app.addContentTypeParser(['application/yaml', 'text/yaml'], { parseAs: 'string' }, (_req, body, done) => done(null, body))
    // kubectl's typed clients (`kubectl create deployment`) send protobuf and cannot fall back.
    app.addContentTypeParser(PROTOBUF_MEDIA_TYPE, { parseAs: 'buffer' }, (_req, body, done) => {
      try {
        done(null, decodeKubeProtobuf(body as Buffer))
      } catch (err) {
        done(err as Error, undefined)
      }
    })
    app.addHook('onRequest', async (req) => {
      const path = req.url.split('?')[0]!
      if (PUBLIC_PATHS.has(path)) return
      const header = req.headers.authorization ?? ''
      const m = /^Bearer\s+(.+)$/i.exec(header)
      if (m === null) throw new UnauthorizedError('missing bearer token: send "Authorization: Bearer TOKEN"')
      const given = Buffer.from(m[1]!.trim())
      if (given.length !== this.token.length || !timingSafeEqual(given, this.token)) {
        throw new UnauthorizedError('invalid bearer token')
      }
    })
    app.addHook('preSerialization', async (req, _reply, payload) => {
      const table = tableRequest(req)
      return table === undefined ? payload : payloadAsTable(payload, { now: Date.now(), include: table.include })
    })
    app.setErrorHandler(async (err, req, reply) => {
      const apiErr = toApiError(err, translators)
      if (apiErr.code >= 500) components.logger.error({ err, method: req.method, url: req.url }, 'request failed')
      else components.logger.debug({ method: req.method, url: req.url, code: apiErr.code }, apiErr.message)
      return reply.code(apiErr.code).type('application/json').send(statusOf(apiErr))
    })
    app.setNotFoundHandler(async (req) => {
      throw new NotFoundError(`the server could not find the requested resource: ${req.method} ${req.url.split('?')[0]}`)
    })
    for (const module of components.routes) module.register(app)
  }
}
