// The service proxy's cost: requests per second and p50/p99 latency through the proxy versus
// straight to the backend, measured by wrk (Debian package) in its own process.
// Three processes on loopback: an HTTP backend (child), the proxy (this process), wrk (child).
// Run: npx tsc -p tsconfig.build.json && node dist/bench/proxy.js   (or import { main }).
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { pathToFileURL } from 'node:url'
import { silentLogger } from '../node/logger.js'
import { ServiceProxy } from '../node/services/proxy/service-proxy.js'
import { freePort } from '../test/services/net-helpers.js'
import { report } from './lib/report.js'
import type { Row } from './lib/report.js'

export interface ProxyBenchOptions {
  /** Seconds per measurement; default 5. */
  durationS?: number
}

interface Scenario {
  name: string
  connections: number
  /** A new TCP connection per request: the proxy dials a backend for each. */
  close: boolean
}

const SCENARIOS: Scenario[] = [
  { name: 'keep-alive, 1 connection', connections: 1, close: false },
  { name: 'keep-alive, 32 connections', connections: 32, close: false },
  { name: 'connection per request, 8 clients', connections: 8, close: true },
]

/** An HTTP backend in its own process (so it does not share the proxy's event loop). */
const BACKEND_SOURCE = `
const http = require('node:http')
const server = http.createServer((req, res) => { req.resume(); res.end('hello from the backend\\n') })
server.keepAliveTimeout = 60000
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'))
`

async function startBackend(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-e', BACKEND_SOURCE], { stdio: ['ignore', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout! })
  for await (const line of lines) {
    lines.close()
    return { child, port: Number(line) }
  }
  throw new Error('backend exited before it listened')
}

interface WrkResult {
  rps: number
  p50ms: number
  p99ms: number
  errors: number
}

function toMs(value: string, unit: string): number {
  const n = Number(value)
  return unit === 'us' ? n / 1000 : unit === 's' ? n * 1000 : n
}

function runWrk(port: number, scenario: Scenario, durationS: number): Promise<WrkResult> {
  const args = ['-t1', `-c${scenario.connections}`, `-d${durationS}s`, '--latency', ...(scenario.close ? ['-H', 'Connection: close'] : []), `http://127.0.0.1:${port}/`]
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(out)
      const p50 = /^\s+50%\s+([\d.]+)(us|ms|s)$/m.exec(out)
      const p99 = /^\s+99%\s+([\d.]+)(us|ms|s)$/m.exec(out)
      if (code !== 0 || rps === null || p50 === null || p99 === null) return reject(new Error(`wrk failed (exit ${code}):\n${out}`))
      const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)
      const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out)
      const errors = (socketErrors?.slice(1).reduce((sum, n) => sum + Number(n), 0) ?? 0) + Number(non2xx?.[1] ?? 0)
      resolve({ rps: Number(rps[1]), p50ms: toMs(p50[1]!, p50[2]!), p99ms: toMs(p99[1]!, p99[2]!), errors })
    })
  })
}

/** Measures every scenario direct and through the proxy, prints the table, writes bench/results/proxy.json. */
export async function main(options: ProxyBenchOptions = {}): Promise<void> {
  const durationS = options.durationS ?? 5
  if (spawnSync('wrk', ['--version']).error !== undefined) throw new Error('wrk is not installed (apt-get install wrk)')
  const backend = await startBackend()
  const proxy = new ServiceProxy({ logger: silentLogger() }, { bindAddress: '127.0.0.1' })
  const proxyPort = await freePort()
  const rows: Row[] = []
  try {
    await proxy.start()
    await proxy.update({ services: [{ key: 'bench/backend', port: proxyPort, backends: [{ host: '127.0.0.1', port: backend.port }] }] })
    await runWrk(proxyPort, SCENARIOS[1]!, 1) // warm the JIT on the proxy's hot path
    for (const scenario of SCENARIOS) {
      const direct = await runWrk(backend.port, scenario, durationS)
      const proxied = await runWrk(proxyPort, scenario, durationS)
      rows.push({ scenario: scenario.name, path: 'direct', 'req/s': Math.round(direct.rps), 'p50 ms': direct.p50ms, 'p99 ms': direct.p99ms, errors: direct.errors, 'added p50 ms': null, 'added p99 ms': null, 'req/s vs direct': null })
      rows.push({
        scenario: scenario.name,
        path: 'proxy',
        'req/s': Math.round(proxied.rps),
        'p50 ms': proxied.p50ms,
        'p99 ms': proxied.p99ms,
        errors: proxied.errors,
        'added p50 ms': proxied.p50ms - direct.p50ms,
        'added p99 ms': proxied.p99ms - direct.p99ms,
        'req/s vs direct': `${Math.round((proxied.rps / direct.rps) * 100)}%`,
      })
    }
  } finally {
    await proxy.stop()
    backend.child.kill()
  }
  report('proxy', rows, { durationS, tool: 'wrk -t1 --latency', backend: 'node:http in a child process', proxy: 'ServiceProxy in the bench process', note: 'all three processes share the machine' })
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
