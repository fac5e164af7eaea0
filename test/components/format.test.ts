import { describe, expect, test } from 'vitest'
import {
  REQUEST_HEADERS,
  formatError,
  formatLogArgs,
  pickHeaders,
  pickResponseHeaders,
  prettyBody,
} from '../../src/components/playground/format.ts'
import { toLogged } from '../../src/runner/serialize.ts'

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoiYW5vbiIsImlhdCI6MTd9.Bu1QUu6RQLwssrxXvMSbY4q'

describe('pickHeaders', () => {
  test('keeps the headers that matter, in reading order, with keys shortened', () => {
    const headers = {
      'X-Client-Info': 'supabase-js/2',
      Prefer: 'count=exact',
      Authorization: `Bearer ${JWT}`,
      apikey: JWT,
    }
    expect(pickHeaders(headers, REQUEST_HEADERS)).toEqual([
      ['apikey', 'eyJhbGciOi…MSbY4q'],
      ['authorization', 'Bearer eyJhbGciOi…MSbY4q'],
      ['prefer', 'count=exact'],
    ])
  })
})

describe('pickResponseHeaders', () => {
  test('lists the usual headers first, then any other one the service sent', () => {
    const headers = {
      'X-Seats-Left': '8',
      'content-length': '120',
      'Content-Type': 'application/json',
      'retry-after': '60',
      'content-range': '0-1/2',
    }
    expect(pickResponseHeaders(headers)).toEqual([
      ['content-range', '0-1/2'],
      ['content-type', 'application/json'],
      ['retry-after', '60'],
      ['x-seats-left', '8'],
    ])
  })
})

describe('prettyBody', () => {
  test('indents JSON and leaves other text alone', () => {
    expect(prettyBody('[{"id":1}]')).toBe('[\n  {\n    "id": 1\n  }\n]')
    expect(prettyBody('id,name\n1,Portugal')).toBe('id,name\n1,Portugal')
    expect(prettyBody('')).toBeNull()
  })
})

describe('formatLogArgs', () => {
  test('shortens an image data URL, which the Console shows as the image', () => {
    const qr = `data:image/svg+xml;utf-8,<svg>${'<rect/>'.repeat(2000)}</svg>`
    const printed = formatLogArgs([toLogged('QR:'), toLogged(qr)])
    expect(printed.length).toBeLessThan(200)
    expect(printed).toContain(`QR: data:image/svg+xml;utf-8,<svg>`)
    expect(printed).toContain(`${qr.length} characters`)
    expect(formatLogArgs([toLogged('data:image/png;base64,AAAA')])).toBe(
      'data:image/png;base64,AAAA',
    )
  })

  test('prints strings bare at the top level and quoted inside objects', () => {
    expect(formatLogArgs([toLogged('rows:'), toLogged([{ id: 1, name: 'Japan' }])])).toBe(
      "rows: [{ id: 1, name: 'Japan' }]",
    )
  })

  test('quotes a string holding single quotes with double quotes, as a console does', () => {
    expect(formatLogArgs([toLogged({ message: "table 'public.nope'" })])).toBe(
      `{ message: "table 'public.nope'" }`,
    )
    expect(formatLogArgs([toLogged(['it\'s "x"'])])).toBe(`['it\\'s "x"']`)
  })

  test('breaks a long value over indented lines', () => {
    const rows = [1, 2, 3].map((id) => ({ id, name: `Country number ${id}`, code: 'XX' }))
    expect(formatLogArgs([toLogged(rows)])).toBe(
      [
        '[',
        "  { id: 1, name: 'Country number 1', code: 'XX' },",
        "  { id: 2, name: 'Country number 2', code: 'XX' },",
        "  { id: 3, name: 'Country number 3', code: 'XX' }",
        ']',
      ].join('\n'),
    )
  })

  test('prints null, undefined and nested empty values as a console would', () => {
    expect(formatLogArgs([toLogged(null), toLogged(undefined), toLogged({ a: [] })])).toBe(
      'null undefined { a: [] }',
    )
  })
})

describe('formatError', () => {
  test('shows the name, the message and the code with other fields', () => {
    expect(
      formatError({
        name: 'PostgrestError',
        message: 'relation does not exist',
        code: '42P01',
        fields: { hint: { kind: 'null' } },
      }),
    ).toBe("PostgrestError: relation does not exist { code: '42P01', hint: null }")
  })
})
