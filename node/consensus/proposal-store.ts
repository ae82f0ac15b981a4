import { join } from 'node:path'
import { readDurableJson, writeDurableJson } from '../../consensus/storage/durable-json.js'
import type { ProposalStore } from './formation.js'

const PROPOSAL_FILE = 'formation-proposal.json'

/**
 * The --bootstrap-expect proposal in the raft data directory: it survives a restart (a node must
 * never advertise a second set), and goes when the raft state is wiped, which starts over.
 */
export class FileProposalStore implements ProposalStore {
  private readonly path: string

  constructor(raftDir: string) {
    this.path = join(raftDir, PROPOSAL_FILE)
  }

  async read(): Promise<string[] | undefined> {
    const value = await readDurableJson(this.path)
    if (value === undefined) return undefined
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[]
    // Unreadable: refuse to guess a set this node may not have proposed before.
    throw new ProposalFileDamagedError(this.path)
  }

  async write(voters: string[]): Promise<void> {
    await writeDurableJson(this.path, voters)
  }
}

export class ProposalFileDamagedError extends Error {
  override name = 'ProposalFileDamagedError'
  constructor(readonly path: string) {
    super(`${path} is damaged: this node cannot tell which first voter set it proposed. Delete the raft directory on every node of the new cluster and start formation over.`)
  }
}

/** For in-process tests and nodes without a data dir. */
export class MemoryProposalStore implements ProposalStore {
  private voters: string[] | undefined

  read(): Promise<string[] | undefined> {
    return Promise.resolve(this.voters)
  }

  write(voters: string[]): Promise<void> {
    this.voters = [...voters]
    return Promise.resolve()
  }
}
