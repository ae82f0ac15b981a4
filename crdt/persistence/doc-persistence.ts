import type { Logger } from 'pino'
import * as Y from 'yjs'
import { RecordFile } from '../../lib/record-file.js'
import type { Startable } from '../../lib/startable.js'
import { DISK_ORIGIN } from '../origin.js'

export interface DocPersistenceComponents {
  doc: Y.Doc
  logger: Logger
}

export interface DocPersistenceInit {
  /** The log file, usually `<dataDir>/crdt.log`. */
  path: string
  /** Compact when the file grows past this many bytes... */
  compactBytes?: number
  /** ...and past this multiple of the last snapshot, so a large document does not compact on every flush. */
  compactRatio?: number
  /** Remote updates reach the disk within this long (local writes are flushed by their writer). */
  flushDelayMs?: number
  /** fsync on flush (default true); tests of crash recovery may turn it off. */
  sync?: boolean
  maxRecordBytes?: number
}

/**
 * Keeps the document on this node's disk: a RecordFile whose records are Yjs updates (after a
 * compaction, the first is the whole state). On start it replays the file into the document; it
 * then appends every update, local and remote, as it happens. `flushed()` resolves once all of
 * them are written and fsynced; concurrent callers share one fsync (group commit), which is how
 * the store acknowledges a write only once it is durable. A torn tail from a crash is dropped by
 * RecordFile; the updates lost with it were never acknowledged.
 */
export class DocPersistence implements Startable {
  private readonly log: Logger
  private file: RecordFile | undefined
  /** Updates that arrive while a compaction rewrites the file wait here, then follow the snapshot. */
  private held: Uint8Array[] | undefined
  private compaction: Promise<void> = Promise.resolve()
  private snapshotBytes = 0
  private timer: NodeJS.Timeout | undefined
  private readonly compactBytes: number
  private readonly compactRatio: number
  private readonly flushDelayMs: number

  constructor(
    private readonly components: DocPersistenceComponents,
    private readonly init: DocPersistenceInit,
  ) {
    this.log = components.logger.child({ component: 'crdt-persistence' })
    this.compactBytes = init.compactBytes ?? 32 * 1024 * 1024
    this.compactRatio = init.compactRatio ?? 4
    this.flushDelayMs = init.flushDelayMs ?? 50
  }

  async start(): Promise<void> {
    const opened = await RecordFile.open(this.init.path, {
      ...(this.init.sync !== undefined ? { sync: this.init.sync } : {}),
      maxRecordBytes: this.init.maxRecordBytes ?? 256 * 1024 * 1024,
    })
    const { doc } = this.components
    doc.transact(() => {
      for (const record of opened.records) Y.applyUpdate(doc, record, DISK_ORIGIN)
    }, DISK_ORIGIN)
    this.file = opened.file
    this.snapshotBytes = opened.records[0]?.byteLength ?? 0
    if (opened.truncatedBytes > 0) this.log.warn({ bytes: opened.truncatedBytes }, 'dropped a torn tail from the document log')
    this.log.info({ records: opened.records.length, bytes: opened.file.size }, 'loaded the document')
    doc.on('update', this.onUpdate)
  }

  async stop(): Promise<void> {
    this.components.doc.off('update', this.onUpdate)
    clearTimeout(this.timer)
    await this.flushed()
    await this.file?.close()
    this.file = undefined
  }

  /** Resolves when every update so far is on disk. */
  async flushed(): Promise<void> {
    await this.compaction
    const file = this.file
    if (file === undefined) return
    await file.flush()
    if (file.size > this.compactBytes && file.size > this.snapshotBytes * this.compactRatio) await this.compact()
  }

  /** Bytes in the log file now. */
  get size(): number {
    return this.file?.size ?? 0
  }

  /** Replace the log with one record holding the whole document (joins one already running). */
  compact(): Promise<void> {
    const file = this.file
    if (file !== undefined && this.held === undefined) this.compaction = this.rewrite(file)
    return this.compaction
  }

  private async rewrite(file: RecordFile): Promise<void> {
    this.held = []
    const snapshot = Y.encodeStateAsUpdate(this.components.doc)
    try {
      await file.replace([snapshot])
      this.snapshotBytes = snapshot.byteLength
      this.log.info({ bytes: snapshot.byteLength }, 'compacted the document log')
    } catch (err) {
      // The old file is intact (replace renames last), so the held updates still belong after it.
      this.log.error({ err }, 'compacting the document log failed')
    } finally {
      const held = this.held
      this.held = undefined
      for (const update of held) file.append(update)
    }
    // A failure here resurfaces from the next flushed(); the compaction itself must not stay rejected.
    await file.flush().catch((err: unknown) => this.log.error({ err }, 'writing the document log failed'))
  }

  private readonly onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === DISK_ORIGIN || this.file === undefined) return
    if (this.held !== undefined) this.held.push(update)
    else this.file.append(update)
    this.timer ??= setTimeout(() => {
      this.timer = undefined
      this.flushed().catch((err: unknown) => this.log.error({ err }, 'writing the document log failed'))
    }, this.flushDelayMs)
  }
}
