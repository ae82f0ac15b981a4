import { describe, expect, it } from 'vitest'
import { silentLogger } from '../../node/logger.js'
import { DockerRuntime } from '../../node/runtime/docker-runtime.js'

export const TEST_IMAGE = 'shoal-test/busybox:latest'
export const DOCKER_SOCKET = process.env['DOCKER_HOST']?.startsWith('unix://') === true ? process.env['DOCKER_HOST'].slice(7) : '/var/run/docker.sock'

/** Whether a Docker engine answers here. */
export async function dockerAvailable(): Promise<boolean> {
  return new DockerRuntime({ logger: silentLogger() }, { socketPath: DOCKER_SOCKET }).available()
}

/**
 * Under CI a missing engine fails the suite instead of skipping it quietly (issue 5: skipped
 * Docker tests are a CI failure). Call at the top level of a test file; returns whether to run.
 */
export function requireDockerInCi(engine: boolean, suite: string): boolean {
  if (!engine && process.env['CI'] === 'true') {
    describe(`${suite} (CI=true)`, () => {
      it('has a Docker engine answering on its socket', () => {
        expect.fail(`no Docker engine answers on ${DOCKER_SOCKET}; run scripts/setup-docker.sh before the tests`)
      })
    })
  }
  return engine
}
