import { describe, expect, it } from 'vitest'
import { SelectorParseError } from '../../crdt/errors.js'
import { parseFieldSelector } from '../../crdt/selectors/field-selector.js'
import { parseLabelSelector } from '../../crdt/selectors/parse-label-selector.js'
import { selectorFromObject, selectorFromSet } from '../../crdt/selectors/selector-object.js'

const labels = { app: 'web', tier: 'frontend', 'example.com/team': 'a', version: '3', empty: '' }

describe('label selector parsing and matching', () => {
  const cases: [string, boolean, string][] = [
    // [selector, matches `labels`, canonical form]
    ['', true, ''],
    ['app=web', true, 'app=web'],
    ['app==web', true, 'app=web'],
    ['app = web', true, 'app=web'],
    ['app!=web', false, 'app!=web'],
    ['app!=db', true, 'app!=db'],
    ['missing!=x', true, 'missing!=x'],
    ['tier in (frontend, backend)', true, 'tier in (backend,frontend)'],
    ['tier in (backend)', false, 'tier=backend'],
    ['tier notin (backend,cache)', true, 'tier notin (backend,cache)'],
    ['missing notin (x)', true, 'missing!=x'],
    ['missing in (x)', false, 'missing=x'],
    ['app', true, 'app'],
    ['missing', false, 'missing'],
    ['!missing', true, '!missing'],
    ['! app', false, '!app'],
    ['app=web,tier in (a,b),!canary', false, 'app=web,tier in (a,b),!canary'],
    ['app=web,tier in (frontend),!canary', true, 'app=web,tier=frontend,!canary'],
    ['  app = web ,  tier  ', true, 'app=web,tier'],
    ['example.com/team=a', true, 'example.com/team=a'],
    ['empty=', true, 'empty='],
    ['empty=,app=web', true, 'empty=,app=web'],
    ['empty==', true, 'empty='],
    ['app=', false, 'app='],
    ['version>2', true, 'version>2'],
    ['version<3', false, 'version<3'],
    ['app>1', false, 'app>1'],
    ['x=in', false, 'x=in'],
  ]
  it.each(cases)('%j', (text, matches, canonical) => {
    const selector = parseLabelSelector(text)
    expect(selector.matches(labels)).toBe(matches)
    expect(selector.toString()).toBe(canonical)
    expect(parseLabelSelector(selector.toString()).toString()).toBe(canonical)
  })

  it('the empty selector matches objects without labels; a set requirement does not', () => {
    expect(parseLabelSelector('').matches(undefined)).toBe(true)
    expect(parseLabelSelector('a notin (b)').matches(undefined)).toBe(true)
    expect(parseLabelSelector('a').matches(undefined)).toBe(false)
  })
})

describe('label selector errors', () => {
  const cases: [string, number, RegExp][] = [
    // [selector, error position, message]
    ['app=web,', 8, /found end of string, expected a label key/],
    [',app', 0, /found ',', expected a label key/],
    ['app in web', 7, /expected '\(' after in/],
    ['app in ()', 8, /value set of 'in' must not be empty/],
    ['app in (a b)', 10, /expected ',' or '\)' in the value set/],
    ['app in (a,', 10, /found end of string, expected a label value/],
    ['app notin (a', 12, /found end of string, expected ',' or '\)'/],
    ['app web', 4, /found 'web', expected one of: in, notin, =, ==, !=, >, </],
    ['app=web tier=x', 8, /found 'tier', expected ',' or end of string/],
    ['app=(x)', 4, /found '\(', expected a label value/],
    ['!app=x', 4, /found '=', expected ',' or end of string after !app/],
    ['-app=x', 0, /label key "-app": name part must consist of alphanumeric/],
    ['a/b/c=x', 0, /name part must consist/],
    ['Example.com/x=y', 0, /prefix part must be a lowercase DNS subdomain/],
    ['/x=y', 0, /prefix part must not be empty/],
    [`${'k'.repeat(64)}=x`, 0, /no more than 63 characters/],
    [`k=${'v'.repeat(64)}`, 2, /label value "v+" must be no more than 63/],
    ['k=-v', 2, /label value "-v" must consist/],
    ['version>x', 8, /operator > needs an integer value, found 'x'/],
    ['version>', 8, /operator > needs an integer value/],
  ]
  it.each(cases)('%j fails at %i', (text, position, message) => {
    let caught: unknown
    try {
      parseLabelSelector(text)
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(SelectorParseError)
    const err = caught as SelectorParseError
    expect(err.position).toBe(position)
    expect(err.reason).toMatch(message)
    expect(err.message).toContain(`at position ${position}`)
  })
})

describe('structured selectors', () => {
  it('a map selector requires every label; an empty map matches all; undefined matches none', () => {
    expect(selectorFromSet({ app: 'web', tier: 'frontend' }).matches(labels)).toBe(true)
    expect(selectorFromSet({ app: 'web', tier: 'db' }).matches(labels)).toBe(false)
    expect(selectorFromSet({}).matches(labels)).toBe(true)
    expect(selectorFromSet(undefined).matches(labels)).toBe(false)
  })

  it('matchLabels and matchExpressions are ANDed', () => {
    const s = selectorFromObject({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['frontend', 'backend'] },
        { key: 'canary', operator: 'DoesNotExist' },
      ],
    })
    expect(s.toString()).toBe('app=web,tier in (backend,frontend),!canary')
    expect(s.matches(labels)).toBe(true)
    expect(s.matches({ ...labels, canary: 'true' })).toBe(false)
  })

  it('rejects bad expressions with the field at fault', () => {
    expect(() => selectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Near' }] })).toThrow(/matchExpressions\[0\]\.operator: unknown operator "Near"/)
    expect(() => selectorFromObject({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })).toThrow(/needs at least one value/)
    expect(() => selectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] })).toThrow(/takes no values/)
    expect(() => selectorFromSet({ 'bad key': 'x' })).toThrow(SelectorParseError)
  })
})

describe('field selectors', () => {
  const podA = { metadata: { name: 'a', namespace: 'default' }, spec: { nodeName: 'n1' }, status: { phase: 'Running' } }
  const podB = { metadata: { name: 'b,c', namespace: 'kube' }, spec: {}, status: { phase: 'Pending' } }
  const cases: [string, boolean, boolean][] = [
    ['', true, true],
    ['metadata.name=a', true, false],
    ['metadata.name==a', true, false],
    ['metadata.name!=a', false, true],
    ['metadata.namespace=default,status.phase=Running', true, false],
    ['spec.nodeName=', false, true],
    ['spec.nodeName!=', true, false],
    ['status.phase!=Running, metadata.namespace = kube', false, true],
    ['metadata.name=b\\,c', false, true],
  ]
  it.each(cases)('%j', (text, a, b) => {
    const s = parseFieldSelector(text)
    expect([s.matches(podA), s.matches(podB)]).toEqual([a, b])
  })

  it('round-trips escapes', () => {
    expect(parseFieldSelector('metadata.name=b\\,c\\=d').toString()).toBe('metadata.name=b\\,c\\=d')
  })

  const errors: [string, number, RegExp][] = [
    ['spec.foo=x', 0, /field "spec.foo" is not supported; supported fields: metadata.name/],
    ['metadata.name=a,status.bogus!=b', 16, /field "status.bogus" is not supported/],
    ['metadata.name', 0, /is not a term/],
    ['=x', 0, /has no field name/],
    ['metadata.name=a\\x', 15, /invalid escape sequence/],
  ]
  it.each(errors)('%j fails at %i', (text, position, message) => {
    let caught: unknown
    try {
      parseFieldSelector(text)
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(SelectorParseError)
    expect((caught as SelectorParseError).position).toBe(position)
    expect((caught as SelectorParseError).reason).toMatch(message)
  })
})
