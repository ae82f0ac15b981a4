export type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt'

/** One condition on one label key; a selector is the AND of its requirements. */
export interface Requirement {
  key: string
  operator: Operator
  /** In/NotIn: one or more; Exists/DoesNotExist: none; Gt/Lt: one integer. */
  values: string[]
}

export type Labels = Readonly<Record<string, string>> | undefined

function matchesRequirement(r: Requirement, labels: Labels): boolean {
  const has = labels !== undefined && Object.hasOwn(labels, r.key)
  const value = has ? labels[r.key]! : undefined
  switch (r.operator) {
    case 'Exists':
      return has
    case 'DoesNotExist':
      return !has
    case 'In':
      return has && r.values.includes(value!)
    case 'NotIn':
      return !has || !r.values.includes(value!)
    case 'Gt':
    case 'Lt': {
      if (!has || !/^-?\d+$/.test(value!)) return false
      const left = BigInt(value!)
      const right = BigInt(r.values[0]!)
      return r.operator === 'Gt' ? left > right : left < right
    }
  }
}

function formatRequirement(r: Requirement): string {
  switch (r.operator) {
    case 'Exists':
      return r.key
    case 'DoesNotExist':
      return `!${r.key}`
    case 'In':
      return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(',')})`
    case 'NotIn':
      return r.values.length === 1 ? `${r.key}!=${r.values[0]}` : `${r.key} notin (${r.values.join(',')})`
    case 'Gt':
      return `${r.key}>${r.values[0]}`
    case 'Lt':
      return `${r.key}<${r.values[0]}`
  }
}

/**
 * A parsed label selector. The empty selector matches everything; `LabelSelector.nothing()`
 * (a null selector in Kubernetes, e.g. a Service without one) matches nothing.
 */
export class LabelSelector {
  private constructor(
    readonly requirements: readonly Requirement[],
    private readonly matchesNothing: boolean,
  ) {}

  static of(requirements: readonly Requirement[]): LabelSelector {
    return new LabelSelector(requirements, false)
  }

  static everything(): LabelSelector {
    return new LabelSelector([], false)
  }

  static nothing(): LabelSelector {
    return new LabelSelector([], true)
  }

  isEverything(): boolean {
    return !this.matchesNothing && this.requirements.length === 0
  }

  matches(labels: Labels): boolean {
    if (this.matchesNothing) return false
    // A plain loop: this runs once per object on every filtered list.
    for (const r of this.requirements) if (!matchesRequirement(r, labels)) return false
    return true
  }

  /** The canonical string form, which parses back to an equal selector. */
  toString(): string {
    return this.requirements.map(formatRequirement).join(',')
  }
}
