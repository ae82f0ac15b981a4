import type { PullProgress } from '../../runtime/types.js'

interface Layer {
  current: number
  total: number
  done: boolean
}

function mb(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`
}

/**
 * Folds Docker's per-layer pull lines into one line a user can read in `containerStatuses`:
 * `Pulling image "x": 2/5 layers, 12.3 MB of 40.1 MB`. Docker reports each layer by id with its
 * own status ("Downloading" with byte counts, "Pull complete", "Already exists"); lines without an
 * id ("Pulling from ...", "Digest: ...") describe the whole pull and are shown until layers appear.
 */
export class PullProgressSummary {
  private readonly layers = new Map<string, Layer>()
  private general = ''

  constructor(private readonly image: string) {}

  update(p: PullProgress): void {
    if (p.id === undefined || p.id === '' || p.id === 'latest' || /^(Pulling from|Digest|Status)/.test(p.status)) {
      this.general = p.status
      return
    }
    const layer = this.layers.get(p.id) ?? { current: 0, total: 0, done: false }
    if (/complete|Already exists/i.test(p.status)) {
      layer.done = true
      if (layer.total > 0) layer.current = layer.total
    } else if (p.status === 'Downloading' && p.total !== undefined && p.total > 0) {
      layer.total = p.total
      layer.current = p.current ?? layer.current
    }
    this.layers.set(p.id, layer)
  }

  message(): string {
    const head = `Pulling image "${this.image}"`
    if (this.layers.size === 0) return this.general === '' ? head : `${head}: ${this.general}`
    const layers = [...this.layers.values()]
    const done = layers.filter((l) => l.done).length
    const total = layers.reduce((n, l) => n + l.total, 0)
    const current = layers.reduce((n, l) => n + l.current, 0)
    const bytes = total > 0 ? `, ${mb(current)} of ${mb(total)}` : ''
    return `${head}: ${done}/${layers.length} layers${bytes}`
  }
}
