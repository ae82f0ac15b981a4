import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Agent } from '../../node/agent.js'
import type { AgentConfig } from '../../node/config/agent-config.js'
import { defaultConfig, defaultNodeName } from '../../node/config/agent-config.js'
import { FAST_TIMING } from '../harness/in-process.js'

let root: string | undefined
let agent: Agent | undefined

afterEach(async () => {
  await agent?.stop()
  agent = undefined
  if (root !== undefined) await rm(root, { recursive: true, force: true })
})

/** An agent without --name, logging JSON lines into an array, as the CLI builds it. */
async function startUnnamed(dataDir: string): Promise<{ agent: Agent; lines: string[] }> {
  const config: AgentConfig = {
    ...defaultConfig(),
    dataDir,
    p2p: { host: '127.0.0.1', port: 0 },
    api: { host: '127.0.0.1', port: 0 },
    timing: { ...FAST_TIMING },
    runtime: 'process',
    services: { bindAddress: '127.0.0.1', dns: { host: '127.0.0.1', port: 0 } },
  }
  const lines: string[] = []
  const a = await Agent.create(config, { logging: { destination: { write: (line: string) => void lines.push(line) } } })
  await a.start()
  return { agent: a, lines }
}

/** How often `key` occurs as a key of the line's top-level object (pino writes duplicates as is). */
function occurrences(line: string, key: string): number {
  return line.split(`"${key}":`).length - 1
}

describe('agent log lines', () => {
  it('carry the resolved node name (here the hostname) and the peer id, each once', async () => {
    root = await mkdtemp(join(tmpdir(), 'shoal-log-'))
    const started = await startUnnamed(join(root, 'data'))
    agent = started.agent
    expect(agent.name).toBe(defaultNodeName())
    const parsed = started.lines.map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(parsed.length).toBeGreaterThan(3)
    for (const [i, line] of parsed.entries()) {
      expect(line['node'], started.lines[i]).toBe(defaultNodeName())
      expect(line['peer'], started.lines[i]).toBe(agent.peerId)
      expect(occurrences(started.lines[i]!, 'node'), started.lines[i]).toBe(1)
    }
    // The store's own lines bind their component once (it used to be bound twice).
    const loaded = started.lines.find((l) => l.includes('loaded the document'))!
    expect(occurrences(loaded, 'component')).toBe(1)
    expect(JSON.parse(loaded)).toMatchObject({ component: 'crdt-persistence' })
  })

  it('use the name remembered in the data dir when no --name is given', async () => {
    root = await mkdtemp(join(tmpdir(), 'shoal-log-'))
    const dataDir = join(root, 'data')
    await mkdir(dataDir, { recursive: true })
    await writeFile(join(dataDir, 'node.json'), JSON.stringify({ name: 'remembered-box' }))
    const started = await startUnnamed(dataDir)
    agent = started.agent
    const parsed = started.lines.map((l) => JSON.parse(l) as { node: string; msg: string })
    expect(parsed.find((l) => l.msg === 'agent started')?.node).toBe('remembered-box')
    expect(new Set(parsed.map((l) => l.node))).toEqual(new Set(['remembered-box']))
  })
})
