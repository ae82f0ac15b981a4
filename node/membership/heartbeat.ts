import { z } from 'zod'

export const HEARTBEAT_TOPIC = 'shoal/heartbeat/1'

const resources = z.object({ cpuMillis: z.number().int().nonnegative(), memoryBytes: z.number().int().nonnegative() })

const heartbeatSchema = z.object({
  v: z.literal(1),
  name: z.string().min(1).max(253),
  peerId: z.string().min(1).max(128),
  p2p: z.array(z.string().max(512)).max(32),
  api: z.string().max(512),
  capacity: resources,
  allocatable: resources,
  usage: z.object({ memoryBytes: z.number().nonnegative(), load1: z.number().nonnegative() }),
  labels: z.record(z.string().max(316), z.string().max(63)),
  runtimes: z.array(z.string().max(32)).max(8),
  version: z.string().max(64),
  startedAt: z.string().max(64),
  /** Increases with every heartbeat of one agent run; orders reordered deliveries. */
  seq: z.number().int().nonnegative(),
  /** Set on the last heartbeat of a graceful stop, so peers record `left`, not `down`. */
  leaving: z.boolean().optional(),
  /** Raft view of the sender, when consensus runs; informational only. */
  raft: z
    .object({
      role: z.string().max(32),
      term: z.number().int().nonnegative(),
      leader: z.string().max(128),
      applied: z.number().int().nonnegative().optional(),
      /** No raft state yet: a candidate for --bootstrap-expect formation. */
      empty: z.boolean().optional(),
      /** Whether this node votes, only receives the log, or is not in the configuration yet. */
      member: z.enum(['voter', 'learner', 'none']).optional(),
      /** The first voter set this node proposes under --bootstrap-expect (node/consensus/formation-plan.ts). */
      formation: z.array(z.string().max(128)).max(7).optional(),
    })
    .optional(),
  /** Where this node's service proxy listens, and the service ports it cannot serve. */
  services: z
    .object({
      address: z.string().max(64),
      conflicts: z.array(z.object({ key: z.string().max(300), port: z.number().int(), reason: z.string().max(32), message: z.string().max(300) })).max(64),
    })
    .optional(),
  /** Host ports this node hands out for container ports without a fixed hostPort. */
  portRange: z.object({ min: z.number().int().min(1).max(65535), max: z.number().int().min(1).max(65535) }).optional(),
  /** The --bootstrap-expect value this node was started with, for joint formation. */
  bootstrapExpect: z.number().int().min(1).max(7).optional(),
})

export type Heartbeat = z.infer<typeof heartbeatSchema>
export type Resources = z.infer<typeof resources>

export class InvalidHeartbeatError extends Error {
  override name = 'InvalidHeartbeatError'
}

export function encodeHeartbeat(hb: Heartbeat): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(hb))
}

/** Heartbeats come from peers: parse defensively, never throw anything but InvalidHeartbeatError. */
export function decodeHeartbeat(bytes: Uint8Array): Heartbeat {
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder().decode(bytes))
  } catch {
    throw new InvalidHeartbeatError('heartbeat is not JSON')
  }
  const parsed = heartbeatSchema.safeParse(value)
  if (!parsed.success) throw new InvalidHeartbeatError(`invalid heartbeat: ${parsed.error.issues[0]?.message ?? 'unknown'}`)
  return parsed.data
}
