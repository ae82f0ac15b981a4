import type * as Y from 'yjs'
import { MalformedMessageError } from '../errors.js'
import type { MessageLimits } from './sync-messages.js'
import { applyRemoteUpdate, decodeSyncMessage, encodeStep1, encodeStep2 } from './sync-messages.js'

/**
 * One symmetric exchange with one peer, independent of the transport: each side sends step 1
 * (its state vector), answers the other's step 1 with step 2 (what the other lacks) and applies
 * the step 2 it receives. When both step 2s have crossed, both documents hold the union. The
 * transport moves the bytes and ends the exchange once `done`.
 */
export class SyncSession {
  private sentStep2 = false
  private receivedStep2 = false
  /** Bytes of updates applied from the peer. */
  receivedUpdateBytes = 0

  constructor(
    private readonly doc: Y.Doc,
    private readonly origin: unknown,
    private readonly limits: MessageLimits = {},
  ) {}

  /** The first message: our state vector. */
  open(): Uint8Array {
    return encodeStep1(this.doc)
  }

  get done(): boolean {
    return this.sentStep2 && this.receivedStep2
  }

  /**
   * Handle one message from the peer; returns the reply to send, if any. Throws
   * MalformedMessageError (having changed nothing) when the message is bad.
   */
  receive(bytes: Uint8Array): Uint8Array | undefined {
    const message = decodeSyncMessage(bytes, this.limits)
    switch (message.type) {
      case 'step1':
        this.sentStep2 = true
        return encodeStep2(this.doc, message.stateVector)
      case 'step2':
        if (this.receivedStep2) throw new MalformedMessageError('a second step 2 in one exchange')
        applyRemoteUpdate(this.doc, message.update, this.origin)
        this.receivedStep2 = true
        this.receivedUpdateBytes += message.update.byteLength
        return undefined
      case 'update':
        applyRemoteUpdate(this.doc, message.update, this.origin)
        this.receivedUpdateBytes += message.update.byteLength
        return undefined
    }
  }
}
