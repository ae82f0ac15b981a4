import type { StateMachine } from '../../../consensus/driver/state-machine.js'

/** A tiny replicated map for driver tests: commands are "key=value", apply returns the index. */
export class KvStateMachine implements StateMachine {
  data = new Map<string, string>()
  applied: number[] = []

  apply(command: Uint8Array, index: number): number {
    const [k, v] = new TextDecoder().decode(command).split('=') as [string, string]
    this.data.set(k, v)
    this.applied.push(index)
    return index
  }

  snapshot(): Uint8Array {
    return new TextEncoder().encode(JSON.stringify([...this.data]))
  }

  restore(snapshot: Uint8Array): void {
    this.data = new Map(snapshot.length === 0 ? [] : (JSON.parse(new TextDecoder().decode(snapshot)) as [string, string][]))
  }
}

export const cmd = (s: string): Uint8Array => new TextEncoder().encode(s)
