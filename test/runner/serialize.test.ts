import { describe, expect, test } from 'vitest'
import { serializeError, toLogged } from '../../src/runner/serialize.ts'

describe('toLogged', () => {
  test('keeps plain rows as objects without a class name', () => {
    expect(toLogged([{ id: 1, name: 'Portugal' }])).toEqual({
      kind: 'array',
      omitted: 0,
      items: [
        {
          kind: 'object',
          name: null,
          omitted: 0,
          entries: [
            ['id', { kind: 'number', value: 1 }],
            ['name', { kind: 'string', value: 'Portugal' }],
          ],
        },
      ],
    })
  })

  test('labels values structured cloning would refuse or lose', () => {
    expect(toLogged(undefined)).toEqual({ kind: 'undefined' })
    expect(toLogged(10n)).toEqual({ kind: 'bigint', text: '10n' })
    expect(toLogged(function fetchRows() {})).toEqual({ kind: 'function', name: 'fetchRows' })
    expect(toLogged(Symbol('x'))).toEqual({ kind: 'symbol', text: 'Symbol(x)' })
  })

  test('marks a cycle instead of recursing forever', () => {
    const row: Record<string, unknown> = { id: 1 }
    row.self = row
    const logged = toLogged(row)
    expect(logged.kind === 'object' && logged.entries[1]).toEqual(['self', { kind: 'circular' }])
  })

  test('names class instances by their constructor', () => {
    class Country {
      code = 'PT'
    }
    expect(toLogged(new Country())).toMatchObject({ kind: 'object', name: 'Country' })
  })

  test('survives structured cloning', () => {
    const value = toLogged({ when: new Date(0), run: () => 1, error: new TypeError('bad') })
    expect(structuredClone(value)).toEqual(value)
  })
})

describe('serializeError', () => {
  test('keeps name, message, code, stack and the other fields of an error', () => {
    const error = Object.assign(new Error('duplicate key value violates unique constraint'), {
      name: 'PostgrestError',
      code: '23505',
      details: 'Key (name)=(Japan) already exists.',
    })
    const serialized = serializeError(error)
    expect(serialized).toMatchObject({
      name: 'PostgrestError',
      message: 'duplicate key value violates unique constraint',
      code: '23505',
      fields: { details: { kind: 'string', value: 'Key (name)=(Japan) already exists.' } },
    })
    expect(serialized.stack).toContain('duplicate key')
  })

  test('names the ready client as the reader wrote it, not as the compiler rewrote it', () => {
    // The compiled form of the reader's `supabase.frm('x')` and `process.env.NOPE.trim()`.
    const runtime = globalThis as { __sandbase?: unknown }
    runtime.__sandbase = { supabase: {}, env: {} }
    const thrown = (code: string) => {
      try {
        new Function(code)()
      } catch (error) {
        return serializeError(error).message
      }
    }
    expect(thrown(`globalThis.__sandbase.supabase.frm('x')`)).toBe('supabase.frm is not a function')
    expect(thrown('globalThis.__sandbase.env.NOPE.trim()')).toMatch(/\(reading 'trim'\)/)
    expect(thrown('globalThis.__sandbase.env.NOPE.trim()')).not.toContain('__sandbase')
    delete runtime.__sandbase
  })

  test('turns a thrown non-error into a message', () => {
    expect(serializeError('plain string')).toEqual({ name: 'Error', message: 'plain string' })
  })
})
