/**
 * The hand-written codec for the wire protocol, checked against message layouts worked out
 * from Postgres's protocol documentation ("Message Formats"), byte by byte.
 */
import { describe, expect, it } from 'vitest'
import { decodeReplies, encodeExecution } from '../../src/emulator/wire-protocol.ts'

const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0))
const int32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]
const int16 = (n: number) => [(n >>> 8) & 255, n & 255]

// A message: its type byte, its length (itself included, type excluded), its body.
const message = (type: string, body: number[]) => [
  type.charCodeAt(0),
  ...int32(4 + body.length),
  ...body,
]
const cstring = (text: string) => [...new TextEncoder().encode(text), 0]

// A field of a RowDescription: name, table oid, column no, type oid, size, modifier, format.
const field = (name: string, typeOid: number) => [
  ...cstring(name),
  ...int32(0),
  ...int16(0),
  ...int32(typeOid),
  ...int16(-1 & 0xffff),
  ...int32(-1 >>> 0),
  ...int16(0),
]
const value = (text: string | null) =>
  text === null
    ? int32(0xffffffff)
    : [...int32(new TextEncoder().encode(text).length), ...cstring(text).slice(0, -1)]
const readyForQuery = message('Z', ascii('T'))

const INT4 = 23
const TEXT = 25
const parsers = { [INT4]: (text: string) => parseInt(text, 10) }

describe('encodeExecution', () => {
  it('binds text parameters and a null, then describes, executes and syncs', () => {
    const bytes = [...encodeExecution('s1', ['42', null, 'é'])]

    const bind = message('B', [
      ...cstring(''), // portal
      ...cstring('s1'),
      ...int16(0), // no parameter format codes: all text
      ...int16(3),
      ...int32(2),
      ...ascii('42'),
      ...int32(0xffffffff), // -1: NULL
      ...int32(2), // 'é' is two bytes in UTF-8
      0xc3,
      0xa9,
      ...int16(0), // no result format codes: all text
    ])
    const describePortal = message('D', [...ascii('P'), 0])
    const execute = message('E', [...cstring(''), ...int32(0)])
    const sync = message('S', [])
    expect(bytes).toEqual([...bind, ...describePortal, ...execute, ...sync])
  })

  it('marks bytes parameters as binary and the others as text', () => {
    const bytes = [...encodeExecution('', [new Uint8Array([1, 2]), 'x'])]
    const bind = message('B', [
      ...cstring(''),
      ...cstring(''),
      ...int16(2),
      ...int16(1),
      ...int16(0),
      ...int16(2),
      ...int32(2),
      1,
      2,
      ...int32(1),
      ...ascii('x'),
      ...int16(0),
    ])
    expect(bytes.slice(0, bind.length)).toEqual(bind)
  })
})

describe('decodeReplies', () => {
  it('reads rows by field name, parsing typed values and keeping NULL', () => {
    const reply = [
      ...message('2', []), // BindComplete
      ...message('T', [...int16(2), ...field('id', INT4), ...field('note', TEXT)]),
      ...message('D', [...int16(2), ...value('7'), ...value(null)]),
      ...message('D', [...int16(2), ...value('8'), ...value('ça va')]),
      ...message('C', cstring('SELECT 2')),
      ...readyForQuery,
    ]
    const { replies } = decodeReplies(new Uint8Array(reply), parsers)

    expect(replies).toHaveLength(1)
    expect(replies[0].rows).toEqual([
      { id: 7, note: null },
      { id: 8, note: 'ça va' },
    ])
    expect(replies[0].fields).toEqual([
      { name: 'id', dataTypeID: INT4 },
      { name: 'note', dataTypeID: TEXT },
    ])
    // A SELECT's count is not rows affected.
    expect(replies[0].affectedRows).toBe(0)
  })

  it('counts affected rows from the command tag of a write', () => {
    const reply = [...message('C', cstring('INSERT 0 3')), ...readyForQuery]
    reply.push(...message('C', cstring('UPDATE 5')), ...readyForQuery)
    const { replies } = decodeReplies(new Uint8Array(reply), parsers)
    expect(replies.map((statement) => statement.affectedRows)).toEqual([3, 5])
  })

  it('keeps a column called __proto__ as a column', () => {
    const reply = [
      ...message('T', [...int16(1), ...field('__proto__', TEXT)]),
      ...message('D', [...int16(1), ...value('x')]),
      ...readyForQuery,
    ]
    const [row] = decodeReplies(new Uint8Array(reply), parsers).replies[0].rows
    expect(Object.keys(row)).toEqual(['__proto__'])
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype)
    expect(JSON.stringify(row)).toBe('{"__proto__":"x"}')
  })

  it('reads parse completion and parameter types of a described statement', () => {
    const reply = [
      ...message('1', []),
      ...message('t', [...int16(2), ...int32(INT4), ...int32(TEXT)]),
      ...message('n', []), // NoData
      ...readyForQuery,
    ]
    const [described] = decodeReplies(new Uint8Array(reply), parsers).replies
    expect(described.isParsed).toBe(true)
    expect(described.paramTypes).toEqual([INT4, TEXT])
  })

  it('turns an ErrorResponse into an error with its SQLSTATE, detail and hint', () => {
    const reply = [
      ...message('E', [
        ...ascii('S'),
        ...cstring('ERROR'),
        ...ascii('C'),
        ...cstring('23505'),
        ...ascii('M'),
        ...cstring('duplicate key value'),
        ...ascii('D'),
        ...cstring('Key (id)=(1) already exists.'),
        0,
      ]),
      ...readyForQuery,
    ]
    const [failed] = decodeReplies(new Uint8Array(reply), parsers).replies
    expect(failed.error).toMatchObject({
      code: '23505',
      message: 'duplicate key value',
      detail: 'Key (id)=(1) already exists.',
      severity: 'ERROR',
    })
  })

  it('collects notifications with their channel and payload', () => {
    const reply = [
      ...message('C', cstring('COMMIT')),
      ...message('A', [...int32(1), ...cstring('pgrst'), ...cstring('reload schema')]),
      ...readyForQuery,
    ]
    const { notifications } = decodeReplies(new Uint8Array(reply), parsers)
    expect(notifications).toEqual([{ channel: 'pgrst', payload: 'reload schema' }])
  })

  it('marks a statement complete only when its CommandComplete arrived', () => {
    // What PGlite answers after swallowing a stack overflow in Bind: no BindComplete, and an
    // empty query where the statement's end should be.
    const cut = [...message('n', []), ...message('I', []), ...readyForQuery]
    const ended = [...message('2', []), ...message('C', cstring('SELECT 0')), ...readyForQuery]
    const { replies } = decodeReplies(new Uint8Array([...cut, ...ended]), parsers)
    expect(replies.map((statement) => statement.isComplete)).toEqual([false, true])
  })
})
