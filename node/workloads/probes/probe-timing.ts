import type { Probe } from '../../objects/pod.js'
import type { ProbeKind } from './probe-types.js'

/** A probe's schedule and thresholds, with Kubernetes' defaults filled in and times in ms. */
export interface ProbeTiming {
  initialDelayMs: number
  periodMs: number
  timeoutMs: number
  successThreshold: number
  failureThreshold: number
}

function atLeast(min: number, value: number | undefined, fallback: number): number {
  return value === undefined || !Number.isFinite(value) ? fallback : Math.max(min, value)
}

/**
 * Defaults as in Kubernetes: period 10 s, timeout 1 s, success 1, failure 3. Liveness and startup
 * probes must succeed only once (the API rejects anything else; this holds for stored specs too).
 * `timeScale` multiplies every duration: 1 in production, small in tests so that a scenario with
 * `periodSeconds: 1` runs in milliseconds.
 */
export function probeTiming(kind: ProbeKind, probe: Probe, timeScale = 1): ProbeTiming {
  const ms = (seconds: number): number => Math.round(seconds * 1000 * timeScale)
  return {
    initialDelayMs: ms(atLeast(0, probe.initialDelaySeconds, 0)),
    periodMs: ms(atLeast(1, probe.periodSeconds, 10)),
    timeoutMs: ms(atLeast(1, probe.timeoutSeconds, 1)),
    successThreshold: kind === 'readiness' ? atLeast(1, probe.successThreshold, 1) : 1,
    failureThreshold: atLeast(1, probe.failureThreshold, 3),
  }
}
