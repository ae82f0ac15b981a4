import type { Binding } from '../../allocation/commands.js'
import { cpuToMillis, memoryToBytes } from '../../objects/quantity.js'
import type { Container, Pod } from '../../objects/pod.js'
import type { ContainerSpec } from '../../runtime/types.js'

export interface NodeFacts {
  name: string
  ip: string
}

/** PORT_WEB_UI for a port named "web-ui". */
export function portEnvName(name: string): string {
  return `PORT_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`
}

/**
 * The environment shoal gives a container: its host ports (pods share the host network, so a
 * process must listen on the port it was given), where it runs, then the manifest's own env,
 * which wins on conflicts.
 */
export function containerEnv(pod: Pod, container: Container, binding: Binding, node: NodeFacts): Record<string, string> {
  const env: Record<string, string> = {
    POD_NAME: pod.metadata.name,
    POD_NAMESPACE: pod.metadata.namespace ?? 'default',
    POD_UID: binding.podUid,
    NODE_NAME: node.name,
    HOST_IP: node.ip,
  }
  const mine = binding.ports.filter((p) => p.container === container.name)
  if (mine.length > 0) env['PORT'] = String(mine[0]!.hostPort)
  for (const p of mine) {
    if (p.name !== undefined) env[portEnvName(p.name)] = String(p.hostPort)
    env[`PORT_${p.containerPort}`] = String(p.hostPort)
  }
  for (const e of container.env ?? []) env[e.name] = e.value ?? ''
  return env
}

/**
 * Kubernetes' `$(VAR)` references in command and args, resolved against the container's env;
 * `$$(VAR)` stays literal as `$(VAR)`, and unknown names are left as written.
 */
export function expandVars(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$\(|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (match: string, name: string | undefined) => {
    if (name === undefined) return '$('
    return env[name] ?? match
  })
}

function limit(value: string | number | undefined, parse: (q: string | number) => number): number | undefined {
  if (value === undefined) return undefined
  try {
    return parse(value)
  } catch {
    return undefined
  }
}

export function containerSpecFor(pod: Pod, container: Container, binding: Binding, node: NodeFacts): ContainerSpec {
  const limits = container.resources?.limits
  const cpu = limit(limits?.cpu, cpuToMillis)
  const memory = limit(limits?.memory, memoryToBytes)
  const env = containerEnv(pod, container, binding, node)
  return {
    podUid: binding.podUid,
    podName: pod.metadata.name,
    namespace: pod.metadata.namespace ?? 'default',
    containerName: container.name,
    ...(container.image !== undefined ? { image: container.image } : {}),
    ...(container.command !== undefined ? { command: container.command.map((c) => expandVars(c, env)) } : {}),
    ...(container.args !== undefined ? { args: container.args.map((a) => expandVars(a, env)) } : {}),
    ...(container.workingDir !== undefined ? { workingDir: container.workingDir } : {}),
    env,
    ...(cpu !== undefined ? { cpuMillis: cpu } : {}),
    ...(memory !== undefined ? { memoryBytes: memory } : {}),
  }
}
