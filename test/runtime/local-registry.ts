import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Startable } from '../../lib/startable.js'
import { waitFor } from '../harness/wait.js'

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/** Debian's docker-registry serving on 127.0.0.1 (installed by scripts/setup-docker.sh). */
export class LocalRegistry implements Startable {
  host = ''
  private child: ChildProcess | undefined
  private dir = ''

  async start(): Promise<void> {
    const port = await freePort()
    this.host = `127.0.0.1:${port}`
    this.dir = await mkdtemp(join(tmpdir(), 'shoal-registry-'))
    const config = join(this.dir, 'config.yml')
    await writeFile(config, `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${join(this.dir, 'data')}\nhttp:\n  addr: ${this.host}\n`)
    const child = spawn('docker-registry', ['serve', config], { stdio: 'ignore' })
    this.child = child
    const failed = new Promise<never>((_, reject) => child.once('error', reject))
    failed.catch(() => undefined)
    await Promise.race([failed, waitFor(async () => (await fetch(`http://${this.host}/v2/`)).ok, { timeoutMs: 15_000, message: 'docker-registry to answer' })])
  }

  async stop(): Promise<void> {
    this.child?.kill('SIGKILL')
    this.child = undefined
    if (this.dir !== '') await rm(this.dir, { recursive: true, force: true })
  }
}
