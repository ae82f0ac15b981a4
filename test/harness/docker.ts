import { describe, expect, it } from 'vitest'
import { DOCKER_SOCKET } from './docker-engine.js'

export { DOCKER_SOCKET, dockerAvailable, TEST_IMAGE } from './docker-engine.js'

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
