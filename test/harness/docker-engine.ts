import { silentLogger } from '../../node/logger.js'
import { DockerRuntime } from '../../node/runtime/docker-runtime.js'

// The Docker engine the tests and benchmarks use (no vitest here: benchmarks import it too).
export const TEST_IMAGE = 'shoal-test/busybox:latest'
export const DOCKER_SOCKET = process.env['DOCKER_HOST']?.startsWith('unix://') === true ? process.env['DOCKER_HOST'].slice(7) : '/var/run/docker.sock'

/** Whether a Docker engine answers here. */
export async function dockerAvailable(): Promise<boolean> {
  return new DockerRuntime({ logger: silentLogger() }, { socketPath: DOCKER_SOCKET }).available()
}
