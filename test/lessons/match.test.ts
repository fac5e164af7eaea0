import { describe, expect, test } from 'vitest'
import { matchExpectation } from '../../src/lessons/match.ts'

const countries = [
  { id: 1, name: 'Portugal', code: 'PT' },
  { id: 2, name: 'Japan', code: 'JP' },
]

describe('matchExpectation', () => {
  test('matches objects on the listed keys only', () => {
    const result = matchExpectation(
      { logs: [[countries]] },
      {
        logs: [[[{ name: 'Portugal' }, { name: 'Japan' }]]],
      },
    )
    expect(result).toEqual({ ok: true })
  })

  test('fails when a listed key has another value, naming its path', () => {
    const result = matchExpectation(
      { logs: [[countries]] },
      {
        logs: [[[{ name: 'Portugal' }, { name: 'Brazil' }]]],
      },
    )
    expect(result).toEqual({
      ok: false,
      message: 'logs[0][0][1].name: expected "Brazil", got "Japan"',
    })
  })

  test('fails when a listed key is missing', () => {
    const result = matchExpectation({ logs: [[{ id: 1 }]] }, { logs: [[{ id: 1, name: '<any>' }]] })
    expect(result.ok).toBe(false)
  })

  test('with exact, fails on keys the expectation does not list', () => {
    const result = matchExpectation(
      { logs: [[countries]] },
      {
        exact: true,
        logs: [
          [
            [
              { id: 1, name: 'Portugal' },
              { id: 2, name: 'Japan' },
            ],
          ],
        ],
      },
    )
    expect(result).toEqual({ ok: false, message: 'logs[0][0][0]: unexpected key(s) code' })
  })

  test('fails when an array has more items than expected', () => {
    const result = matchExpectation({ logs: [[countries]] }, { logs: [[[{ id: 1 }]]] })
    expect(result.ok).toBe(false)
  })

  test('fails when the number of console.log calls differs', () => {
    const result = matchExpectation({ logs: [[1], [2]] }, { logs: [[1]] })
    expect(result.ok).toBe(false)
  })

  test('fails when a call has a different number of arguments', () => {
    expect(matchExpectation({ logs: [[1, null]] }, { logs: [[1]] }).ok).toBe(false)
  })

  test('"<any>" matches any present value, null included', () => {
    const outcome = { logs: [[{ id: 7, created_at: '2026-01-01T00:00:00Z', note: null }]] }
    const result = matchExpectation(outcome, {
      logs: [[{ id: '<any>', created_at: '<any>', note: '<any>' }]],
    })
    expect(result).toEqual({ ok: true })
  })

  test('tells null from a missing value and from an empty array', () => {
    expect(matchExpectation({ logs: [[null]] }, { logs: [[[]]] }).ok).toBe(false)
    expect(matchExpectation({ logs: [[[]]] }, { logs: [[null]] }).ok).toBe(false)
    expect(matchExpectation({ logs: [[0]] }, { logs: [[null]] }).ok).toBe(false)
  })

  test('tells a number from the same digits as a string', () => {
    expect(matchExpectation({ logs: [['5']] }, { logs: [[5]] }).ok).toBe(false)
  })

  test('fails on an uncaught error the expectation did not ask for', () => {
    const result = matchExpectation({ logs: [], error: 'TypeError: boom' }, { logs: [] })
    expect(result).toEqual({ ok: false, message: 'expected no error, got: TypeError: boom' })
  })

  test('matches an expected error by substring', () => {
    const outcome = { logs: [], error: 'Error: Sandbase stopped the run after 5 s' }
    expect(matchExpectation(outcome, { error: 'stopped the run' })).toEqual({ ok: true })
    expect(matchExpectation(outcome, { error: 'syntax' }).ok).toBe(false)
    expect(matchExpectation({ logs: [] }, { error: 'stopped the run' }).ok).toBe(false)
  })
})
