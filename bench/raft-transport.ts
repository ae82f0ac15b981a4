// Throughput of the /shoal/raft/1 transport between two libp2p nodes on loopback (TCP, noise,
// yamux): small heartbeats, appends of one 1 KiB entry, appends of 64 such entries, 8 MiB snapshots.
// Run: npx tsc -p tsconfig.build.json && node dist/bench/raft-transport.js   (or import { main }).
import { pathToFileURL } from 'node:url'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import type { Libp2p } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import { pino } from 'pino'
import { message } from '../consensus/core/types.js'
import type { Entry, Message } from '../consensus/core/types.js'
import { RaftTransport } from '../consensus/transport/raft-transport.js'
import { report, type Row } from './lib/report.js'

interface Scenario {
  name: string
  messages: number
  make(from: string, to: string, i: number): Message
}

function entries(n: number, first: number, bytes: number): Entry[] {
  const data = new Uint8Array(bytes).fill(1)
  return Array.from({ length: n }, (_, k) => ({ term: 2, index: first + k, type: 'normal' as const, data }))
}

const SCENARIOS: Scenario[] = [
  { name: 'heartbeat', messages: 200_000, make: (from, to, i) => message({ type: 'heartbeat', from, to, term: 2, commit: i }) },
  { name: 'app 1 x 1 KiB', messages: 50_000, make: (from, to, i) => message({ type: 'app', from, to, term: 2, index: i, logTerm: 2, commit: i, entries: entries(1, i + 1, 1024) }) },
  { name: 'app 64 x 1 KiB', messages: 2_000, make: (from, to, i) => message({ type: 'app', from, to, term: 2, index: i * 64, logTerm: 2, commit: i, entries: entries(64, i * 64 + 1, 1024) }) },
  {
    name: 'snap 8 MiB',
    messages: 8,
    make: (from, to, i) =>
      message({
        type: 'snap',
        from,
        to,
        term: 2,
        snapshot: { metadata: { index: i + 1, term: 2, confState: { voters: [from, to], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false } }, data: new Uint8Array(8 * 2 ** 20) },
      }),
  },
]

async function node(): Promise<Libp2p> {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() },
  })
}

/** Send a scenario's messages, keeping at most `window` in flight so the bounded queue never drops. */
async function measure(s: Scenario, a: RaftTransport, from: string, to: string, window: number, received: () => number): Promise<Row> {
  const base = received()
  const before = a.stats()
  const start = performance.now()
  let sent = 0
  while (sent < s.messages) {
    while (sent < s.messages && sent - (received() - base) < window) a.send([s.make(from, to, sent++)])
    await new Promise((r) => setImmediate(r))
  }
  while (received() - base < s.messages) await new Promise((r) => setImmediate(r))
  const seconds = (performance.now() - start) / 1000
  const after = a.stats()
  const bytes = after.bytesSent - before.bytesSent
  return {
    scenario: s.name,
    messages: s.messages,
    frames: after.framesSent - before.framesSent,
    dropped: after.messagesDropped - before.messagesDropped,
    'messages/s': Math.round(s.messages / seconds),
    'MB/s': bytes / 2 ** 20 / seconds,
    'bytes/message': Math.round(bytes / s.messages),
  }
}

/** Measures every scenario, prints the table and writes bench/results/raft-transport.json. */
export async function main(): Promise<void> {
  const [na, nb] = await Promise.all([node(), node()])
  await na.dial(nb.getMultiaddrs()[0]!)
  const logger = pino({ level: 'silent' })
  const a = new RaftTransport({ libp2p: na, logger })
  const b = new RaftTransport({ libp2p: nb, logger })
  await a.start()
  await b.start()
  let count = 0
  b.on('messages:received', (msgs: Message[]) => {
    count += msgs.length
  })
  const rows: Row[] = []
  try {
    for (const s of SCENARIOS) {
      rows.push(await measure(s, a, na.peerId.toString(), nb.peerId.toString(), s.name.startsWith('snap') ? 2 : 2048, () => count))
    }
  } finally {
    await a.stop()
    await b.stop()
    await Promise.all([na.stop(), nb.stop()])
  }
  report('raft-transport', rows, { link: 'loopback tcp + noise + yamux, one stream per direction', window: 'at most 2048 messages in flight (2 snapshots)' })
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
