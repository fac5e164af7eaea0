import { describe, expect, test } from 'vitest'
import {
  checkStrictPreferences,
  formatPreferenceApplied,
  parsePreferences,
} from '../../../src/emulator/rest/preferences.ts'

describe('parsePreferences', () => {
  test('reads several comma-separated preferences from one header', () => {
    expect(parsePreferences('resolution=ignore-duplicates, count=exact, max-affected=100')).toEqual(
      {
        resolution: 'ignore-duplicates',
        count: 'exact',
        maxAffected: 100,
        invalid: [],
      },
    )
  })

  test('reads several Prefer headers, which fetch joins with ", "', () => {
    const joined = new Headers([
      ['Prefer', 'return=representation'],
      ['Prefer', 'missing=default'],
    ]).get('prefer')
    expect(parsePreferences(joined ?? undefined)).toEqual({
      return: 'representation',
      missing: 'default',
      invalid: [],
    })
  })

  test('keeps the first value of a preference given twice', () => {
    expect(parsePreferences('tx=commit, tx=rollback').tx).toBe('commit')
    expect(parsePreferences('count=planned,count=exact').count).toBe('planned')
  })

  test('tolerates extra spaces and collects values it does not know', () => {
    expect(
      parsePreferences('count=exact,    tx=commit   ,return=representation , anything'),
    ).toEqual({
      count: 'exact',
      tx: 'commit',
      return: 'representation',
      invalid: ['anything'],
    })
  })

  test('a known name with an unknown value is invalid', () => {
    expect(parsePreferences('return=everything').invalid).toEqual(['return=everything'])
  })

  test('max-affected must be an integer, but is never reported invalid', () => {
    expect(parsePreferences('max-affected=lots')).toEqual({ invalid: [] })
  })
})

describe('checkStrictPreferences', () => {
  test('lets unknown values pass under handling=lenient', () => {
    expect(() => checkStrictPreferences(parsePreferences('handling=lenient, bogus'))).not.toThrow()
  })

  test('errs with 400 PGRST122 listing the unknown values under handling=strict', () => {
    expect(() => checkStrictPreferences(parsePreferences('handling=strict, a, b=c'))).toThrow(
      expect.objectContaining({
        status: 400,
        code: 'PGRST122',
        details: 'Invalid preferences: a, b=c',
      }),
    )
  })
})

describe('formatPreferenceApplied', () => {
  test('lists honoured preferences in PostgREST order, only of the kinds given', () => {
    const preferences = parsePreferences(
      'count=exact, return=minimal, missing=default, tx=rollback',
    )
    expect(formatPreferenceApplied(preferences, ['return', 'count', 'tx', 'missing'])).toEqual({
      'preference-applied': 'missing=default, return=minimal, count=exact, tx=rollback',
    })
    expect(formatPreferenceApplied(preferences, ['count'])).toEqual({
      'preference-applied': 'count=exact',
    })
  })

  test('echoes max-affected only together with handling=strict', () => {
    expect(formatPreferenceApplied(parsePreferences('max-affected=5'), ['maxAffected'])).toEqual({})
    expect(
      formatPreferenceApplied(parsePreferences('max-affected=5, handling=strict'), [
        'handling',
        'maxAffected',
      ]),
    ).toEqual({ 'preference-applied': 'handling=strict, max-affected=5' })
  })
})
