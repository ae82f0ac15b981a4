import { z } from 'zod'

const portSchema = z.object({
  container: z.string(),
  name: z.string().optional(),
  containerPort: z.number().int(),
  hostPort: z.number().int().min(1).max(65535),
})

const bindingSchema = z.object({
  podUid: z.string().min(1),
  namespace: z.string(),
  name: z.string(),
  /** The node's peer id: the identity a node proves on every connection. */
  nodeId: z.string().min(1),
  nodeName: z.string(),
  cpuMillis: z.number().int().nonnegative(),
  memoryBytes: z.number().int().nonnegative(),
  hostPorts: z.array(z.number().int().min(1).max(65535)),
  ports: z.array(portSchema),
  ownerUid: z.string().optional(),
  /** The runtime the scheduler chose, so the node does not have to guess again. */
  runtime: z.string().optional(),
})

const commandSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('bind'), bindings: z.array(bindingSchema) }),
  z.object({ op: z.literal('unbind'), podUids: z.array(z.string()), reason: z.string() }),
])

/** A committed placement: this pod instance runs on this node with these reservations. */
export type Binding = z.infer<typeof bindingSchema>
export type AllocationCommand = z.infer<typeof commandSchema>

/**
 * Bindings the --test-hooks API commits to drive entries through raft. The name is not a valid
 * namespace, so no user object can collide with it, and controllers leave these bindings alone.
 */
export const TEST_HOOK_NAMESPACE = '_debug'

export class InvalidCommandError extends Error {
  override name = 'InvalidCommandError'
}

export function encodeCommand(cmd: AllocationCommand): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(cmd))
}

/**
 * Commands come out of the replicated log, so every replica decodes the same bytes; a command
 * that does not parse is rejected identically everywhere (a no-op), never half-applied.
 */
export function decodeCommand(bytes: Uint8Array): AllocationCommand {
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder().decode(bytes))
  } catch {
    throw new InvalidCommandError('allocation command is not JSON')
  }
  const parsed = commandSchema.safeParse(value)
  if (!parsed.success) throw new InvalidCommandError(`invalid allocation command: ${parsed.error.issues[0]?.message ?? ''}`)
  return parsed.data
}
