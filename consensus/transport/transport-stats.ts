/** Counters of a RaftTransport, for metrics and tests. */
export interface TransportStats {
  framesSent: number
  messagesSent: number
  bytesSent: number
  framesReceived: number
  messagesReceived: number
  bytesReceived: number
  /** Dropped from a full send queue, or queued for a peer that could not be reached. */
  messagesDropped: number
  /** Received with a `from` that is not the authenticated sender, or a `to` that is not us. */
  messagesRejected: number
  /** Inbound streams closed for an oversized, truncated or undecodable frame. */
  badFrames: number
  /** Dials or writes that failed. */
  sendFailures: number
}

export function emptyStats(): TransportStats {
  return {
    framesSent: 0,
    messagesSent: 0,
    bytesSent: 0,
    framesReceived: 0,
    messagesReceived: 0,
    bytesReceived: 0,
    messagesDropped: 0,
    messagesRejected: 0,
    badFrames: 0,
    sendFailures: 0,
  }
}
