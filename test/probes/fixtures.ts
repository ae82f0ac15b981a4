// Loopback fixtures for the probe tests: an HTTP server whose answers a test flips, and pod shapes.
import { createServer } from 'node:http'
import type { IncomingHttpHeaders, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Binding } from '../../node/allocation/commands.js'
import type { Container, Pod } from '../../node/objects/pod.js'
import { silentLogger } from '../../node/logger.js'
import { ProcessRuntime } from '../../node/runtime/process-runtime.js'
import type { ObjectRef } from '../../node/workloads/events/event-sink.js'
import type { ProbeTarget } from '../../node/workloads/probes/probe-types.js'
import type { EventSink } from '../../node/workloads/events/event-sink.js'

export interface Hit {
  path: string
  headers: IncomingHttpHeaders
}

/** An HTTP server on 127.0.0.1 answering each path with the status a test sets (default 200). */
export interface FlipServer {
  port: number
  hits: Hit[]
  /** How many requests `path` has had. */
  count: (path: string) => number
  /** Answer `path` with these statuses in turn; the last one sticks. */
  set: (path: string, ...statuses: number[]) => void
  /** Hold every answer this long (for timeouts). */
  delayMs: number
  close: () => Promise<void>
}

export async function startFlipServer(): Promise<FlipServer> {
  const statuses = new Map<string, number[]>()
  const hits: Hit[] = []
  const state = { delayMs: 0 }
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/'
    hits.push({ path, headers: req.headers })
    req.resume()
    const queue = statuses.get(path) ?? [200]
    const status = queue.length > 1 ? queue.shift()! : queue[0]!
    const answer = (): void => {
      res.writeHead(status, path === '/redirect' ? { location: '/' } : {})
      res.end('ok')
    }
    if (state.delayMs > 0) setTimeout(answer, state.delayMs)
    else answer()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    hits,
    count: (path) => hits.filter((h) => h.path === path).length,
    set: (path, ...list) => statuses.set(path, list),
    get delayMs() {
      return state.delayMs
    },
    set delayMs(ms: number) {
      state.delayMs = ms
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export interface RecordedEvent {
  ref: ObjectRef
  type: 'Normal' | 'Warning'
  reason: string
  message: string
}

export class RecordingSink implements EventSink {
  readonly events: RecordedEvent[] = []
  record(ref: ObjectRef, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.events.push({ ref, type, reason, message })
  }
  withReason(reason: string): RecordedEvent[] {
    return this.events.filter((e) => e.reason === reason)
  }
}

export function bindingFor(podUid: string, ports: Binding['ports'] = []): Binding {
  return { podUid, namespace: 'default', name: `pod-${podUid}`, nodeId: 'node-a', nodeName: 'a', cpuMillis: 0, memoryBytes: 0, hostPorts: ports.map((p) => p.hostPort), ports, runtime: 'process' }
}

export function podWith(podUid: string, container: Container): Pod {
  return { metadata: { name: `pod-${podUid}`, namespace: 'default', uid: podUid }, spec: { containers: [container] } }
}

/** A target for handlers that never touch the runtime (http, tcp). */
export function loopbackTarget(container: Container, ports: Binding['ports'] = []): ProbeTarget {
  return { binding: bindingFor('uid-1', ports), container, containerId: 'unused', runtime: idleRuntime, defaultHost: '127.0.0.1' }
}

const idleRuntime = new ProcessRuntime({ logger: silentLogger(), dataDir: '/nonexistent/shoal-probe-tests' })
