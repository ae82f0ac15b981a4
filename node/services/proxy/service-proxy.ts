import { EventEmitter } from 'node:events'
import type { Server, Socket } from 'node:net'
import type { Startable } from '../../../lib/startable.js'
import type { Logger } from '../../logger.js'
import { BackendPool } from './backend-pool.js'
import { emptyStats, forward } from './forward.js'
import type { Route, RouteStats } from './forward.js'
import { claimPorts, diffConflicts } from './proxy-config.js'
import type { ProxyConfig, ProxyConflict, ProxyPort, ProxyService } from './proxy-config.js'
import { errorCode } from '../error-code.js'
import { closeServer, listenTcp } from './tcp-listen.js'

export interface ServiceProxyComponents {
  logger: Logger
}

export interface ServiceProxyInit {
  /** Where service ports listen; default '0.0.0.0' (every interface, like a NodePort). */
  bindAddress?: string
  /** How long one backend may take to accept before the next is tried; default 1000 ms. */
  connectTimeoutMs?: number
  /** How long a failed backend goes to the back of the rotation; default 2000 ms, 0 disables. */
  failureCooldownMs?: number
  /** How often a port held by something else is tried again; default 5000 ms. */
  listenRetryMs?: number
  now?: () => number
}

export interface ServiceProxyEvents {
  'proxy:listening': [port: ProxyPort]
  'proxy:closed': [port: ProxyPort]
  /** A service port cannot be served; emitted when the conflict appears or its reason changes. */
  'proxy:conflict': [conflict: ProxyConflict]
  'proxy:conflict-cleared': [port: ProxyPort]
}

export interface ServicePortStats extends RouteStats {
  key: string
  port: number
}

interface Listener {
  server: Server
  key: string
}

/**
 * The per-node TCP proxy: one listener per service port, forwarding each connection to a
 * backend round-robin. Plain-data driven: `update()` takes the whole desired config each time.
 *
 * A service port without backends is not listened on, so clients get a real connection refusal
 * (as kube-proxy's REJECT rule gives): a refusal is safe for any client to retry elsewhere,
 * whereas accepting and then closing looks like a server that crashed mid-request, which a
 * client cannot safely retry. The price: a port without backends is not held, and a clash with
 * another process only shows once the service has backends.
 *
 * Never throws for a port problem: clashes become conflicts (`conflicts()` and the
 * 'proxy:conflict' event); a port held by another process is tried again every `listenRetryMs`.
 */
export class ServiceProxy extends EventEmitter<ServiceProxyEvents> implements Startable {
  private readonly bindAddress: string
  private readonly connectTimeoutMs: number
  private readonly listenRetryMs: number
  private config: ProxyConfig = { services: [] }
  private readonly routes = new Map<string, Route>()
  private readonly servers = new Map<number, Listener>()
  private readonly connections = new Set<Socket>()
  private current: ProxyConflict[] = []
  private running = false
  private dirty = false
  private applying: Promise<void> | undefined
  private retryTimer: NodeJS.Timeout | undefined

  constructor(
    private readonly components: ServiceProxyComponents,
    private readonly init: ServiceProxyInit = {},
  ) {
    super()
    this.bindAddress = init.bindAddress ?? '0.0.0.0'
    this.connectTimeoutMs = init.connectTimeoutMs ?? 1000
    this.listenRetryMs = init.listenRetryMs ?? 5000
  }

  async start(): Promise<void> {
    this.running = true
    await this.kick()
  }

  /** Closes every listener and every proxied connection. */
  async stop(): Promise<void> {
    this.running = false
    clearTimeout(this.retryTimer)
    await this.applying
    const servers = [...this.servers.values()].map((l) => l.server)
    this.servers.clear()
    this.current = []
    for (const socket of this.connections) socket.destroy()
    await Promise.all(servers.map(closeServer))
  }

  /**
   * Applies a new desired config. Backend changes take effect for the next connection before
   * this returns; the returned promise settles when listeners have opened or closed (it never
   * rejects). Before start(), the config is kept for start() to apply.
   */
  update(config: ProxyConfig): Promise<void> {
    this.config = config
    // Here and not only in the reconcile pass, which may be waiting on a listen.
    if (this.running) this.updateRoutes(config.services)
    return this.kick()
  }

  conflicts(): ProxyConflict[] {
    return [...this.current]
  }

  listening(): ProxyPort[] {
    return [...this.servers].map(([port, l]) => ({ key: l.key, port })).sort((a, b) => a.port - b.port)
  }

  stats(): ServicePortStats[] {
    const ports = new Map(this.config.services.map((s) => [s.key, s.port]))
    return [...this.routes.values()].map((r) => ({ key: r.key, port: ports.get(r.key) ?? 0, ...r.stats }))
  }

  /** Runs reconcile passes one at a time until the latest config is applied. */
  private kick(): Promise<void> {
    if (!this.running) return Promise.resolve()
    this.dirty = true
    this.applying ??= this.drain().finally(() => {
      this.applying = undefined
    })
    return this.applying
  }

  private async drain(): Promise<void> {
    while (this.dirty && this.running) {
      this.dirty = false
      try {
        await this.reconcile(this.config)
      } catch (err) {
        // Only a throwing event listener gets here; the next update() tries again.
        this.components.logger.error({ err }, 'applying the proxy config failed')
      }
    }
  }

  private async reconcile(config: ProxyConfig): Promise<void> {
    const { claims, conflicts } = claimPorts(config.services)
    this.updateRoutes(config.services)
    this.closeUnwanted(claims)
    const failures = await this.openWanted(claims)
    this.publishConflicts([...conflicts, ...failures])
    clearTimeout(this.retryTimer)
    if (failures.some((f) => f.reason === 'PortInUse') && this.running) {
      this.retryTimer = setTimeout(() => void this.kick(), this.listenRetryMs)
    }
  }

  /** Synchronous, so new backends serve the very next connection. */
  private updateRoutes(services: readonly ProxyService[]): void {
    const keys = new Set(services.map((s) => s.key))
    for (const key of this.routes.keys()) if (!keys.has(key)) this.routes.delete(key)
    const seen = new Set<string>()
    for (const service of services) {
      // A key given twice counts once, its first entry, as in claimPorts.
      if (seen.has(service.key)) continue
      seen.add(service.key)
      let route = this.routes.get(service.key)
      if (route === undefined) {
        const pool = new BackendPool({ cooldownMs: this.init.failureCooldownMs, now: this.init.now })
        route = { key: service.key, pool, stats: emptyStats() }
        this.routes.set(service.key, route)
      }
      route.pool.set(service.backends)
    }
  }

  /** Stops accepting on ports no longer served; their open connections finish undisturbed. */
  private closeUnwanted(claims: ReadonlyMap<number, ProxyService>): void {
    for (const [port, listener] of this.servers) {
      const owner = claims.get(port)
      if (owner !== undefined && owner.backends.length > 0) {
        listener.key = owner.key
        continue
      }
      this.servers.delete(port)
      void closeServer(listener.server)
      this.components.logger.info({ service: listener.key, port }, 'service port closed')
      this.emit('proxy:closed', { key: listener.key, port })
    }
  }

  private async openWanted(claims: ReadonlyMap<number, ProxyService>): Promise<ProxyConflict[]> {
    const wanted = [...claims].filter(([port, s]) => s.backends.length > 0 && !this.servers.has(port))
    const results = await Promise.all(wanted.map(([port, s]) => this.open(port, s.key)))
    return results.filter((r) => r !== undefined)
  }

  private async open(port: number, key: string): Promise<ProxyConflict | undefined> {
    let server: Server
    try {
      server = await listenTcp(this.bindAddress, port, (socket) => this.accept(port, socket), (err) => this.components.logger.warn({ port, err }, 'service listener error'))
    } catch (err) {
      const code = errorCode(err)
      const message = code === 'EADDRINUSE' ? `port ${port} is already in use on this node` : `cannot listen on port ${port}: ${err instanceof Error ? err.message : String(err)}`
      return { key, port, reason: code === 'EADDRINUSE' ? 'PortInUse' : 'ListenFailed', message }
    }
    if (!this.running) {
      void closeServer(server)
      return undefined
    }
    this.servers.set(port, { server, key })
    this.components.logger.info({ service: key, port, address: this.bindAddress }, 'service port listening')
    this.emit('proxy:listening', { key, port })
    return undefined
  }

  private accept(port: number, client: Socket): void {
    const route = this.routes.get(this.servers.get(port)?.key ?? '')
    if (route === undefined) {
      // Closed between the kernel's accept and this callback.
      client.resetAndDestroy()
      return
    }
    this.track(client)
    void forward(client, route, { connectTimeoutMs: this.connectTimeoutMs, logger: this.components.logger, track: (s) => this.track(s) })
  }

  private track(socket: Socket): void {
    this.connections.add(socket)
    socket.once('close', () => this.connections.delete(socket))
  }

  /** Emits only changes, so a retry that fails the same way does not repeat the event. */
  private publishConflicts(conflicts: readonly ProxyConflict[]): void {
    const { added, cleared } = diffConflicts(this.conflicts(), conflicts)
    this.current = [...conflicts]
    for (const port of cleared) this.emit('proxy:conflict-cleared', port)
    for (const c of added) {
      this.components.logger.warn({ service: c.key, port: c.port, reason: c.reason }, c.message)
      this.emit('proxy:conflict', c)
    }
  }
}
