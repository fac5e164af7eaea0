/**
 * The few messages of Postgres's wire protocol a request's transaction exchanges with
 * PGlite, encoded and decoded by hand.
 *
 * PGlite's own codec (node-postgres's, with private class fields) costs more per one-row
 * lookup than Postgres spends executing it: every message is copied out of the backend's
 * buffer before it is read. Here a trip's reply is read in place, once, into what the
 * services need: for each statement (each Sync) its rows, fields and affected rows, or its
 * error. Errors, rare by nature, are still decoded by PGlite, so they keep every field.
 *
 * Message layouts: https://www.postgresql.org/docs/current/protocol-message-formats.html
 */
import { protocol } from '@electric-sql/pglite'

export type ParameterValue = string | Uint8Array | null

type TypeParser = (text: string, typeId: number) => unknown

/** One field of a row description. */
export interface FieldDescription {
  name: string
  dataTypeID: number
}

/** What one statement of a trip answered, up to its ReadyForQuery. */
export interface StatementReply {
  rows: Record<string, unknown>[]
  fields: FieldDescription[]
  /** Rows inserted, updated, deleted, copied or merged, from the command tag. */
  affectedRows: number
  /** The parameter types a Describe of a prepared statement reported. */
  paramTypes: number[]
  isParsed: boolean
  /**
   * Whether the statement ran to its end (CommandComplete). The emulator never sends an empty
   * statement, whose end would be an EmptyQueryResponse instead.
   */
  isComplete: boolean
  error: Error | null
}

/** A notification a statement raised (`NOTIFY`, `pg_notify`), delivered at commit. */
export interface Notification {
  channel: string
  payload: string
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * Bind (unnamed portal, text parameters unless bytes, text results), Describe portal,
 * Execute and Sync for the prepared statement `statement`, in one buffer.
 */
export function encodeExecution(statement: string, values: ParameterValue[]): Uint8Array {
  const name = encoder.encode(statement)
  const encoded = values.map((value) => (typeof value === 'string' ? encoder.encode(value) : value))
  const hasBytes = values.some((value) => value instanceof Uint8Array)

  // Bind: portal "", statement, format codes, values, result formats (none: all text).
  const formatCodes = hasBytes ? 2 + 2 * values.length : 2
  const valueBytes = encoded.reduce((total, value) => total + 4 + (value?.length ?? 0), 0)
  const bindLength = 4 + 1 + name.length + 1 + formatCodes + 2 + valueBytes + 2
  const bytes = new Uint8Array(1 + bindLength + TAIL.length)
  const view = new DataView(bytes.buffer)

  let at = 0
  bytes[at++] = 0x42 // 'B'
  view.setInt32(at, bindLength)
  at += 4
  bytes[at++] = 0 // unnamed portal
  bytes.set(name, at)
  at += name.length
  bytes[at++] = 0
  if (hasBytes) {
    view.setInt16(at, values.length)
    at += 2
    for (const value of values) {
      view.setInt16(at, value instanceof Uint8Array ? 1 : 0)
      at += 2
    }
  } else {
    view.setInt16(at, 0)
    at += 2
  }
  view.setInt16(at, values.length)
  at += 2
  for (const value of encoded) {
    view.setInt32(at, value === null ? -1 : value.length)
    at += 4
    if (value) {
      bytes.set(value, at)
      at += value.length
    }
  }
  view.setInt16(at, 0)
  at += 2

  bytes.set(TAIL, at)
  return bytes
}

// Describe portal "", Execute portal "" without a row limit, Sync: the same every time.
const TAIL = Uint8Array.from(
  [
    protocol.serialize.describe({ type: 'P' }),
    protocol.serialize.execute({}),
    protocol.serialize.sync(),
  ].flatMap((message) => [...message]),
)

/**
 * Reads a trip's reply: one `StatementReply` per ReadyForQuery, in order, and the
 * notifications raised along the way.
 */
export function decodeReplies(
  bytes: Uint8Array,
  parsers: Record<number, TypeParser>,
): { replies: StatementReply[]; notifications: Notification[] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const replies: StatementReply[] = []
  const notifications: Notification[] = []
  let reply = emptyReply()

  let at = 0
  while (at + 5 <= bytes.length) {
    const type = bytes[at]
    const end = at + 1 + view.getInt32(at + 1)
    const body = at + 5

    switch (type) {
      case 0x31: // '1' ParseComplete
        reply.isParsed = true
        break
      case 0x74: // 't' ParameterDescription
        reply.paramTypes = readParameterTypes(view, body)
        break
      case 0x54: // 'T' RowDescription
        reply.fields = readFields(bytes, view, body)
        break
      case 0x44: // 'D' DataRow
        reply.rows.push(readRow(bytes, view, body, reply.fields, parsers))
        break
      case 0x43: // 'C' CommandComplete
        reply.affectedRows += affectedRowsOf(decoder.decode(bytes.subarray(body, end - 1)))
        reply.isComplete = true
        break
      case 0x45: // 'E' ErrorResponse: only the first of a statement counts
        reply.error ??= readError(bytes.subarray(at, end))
        break
      case 0x41: // 'A' NotificationResponse
        notifications.push(readNotification(bytes, body))
        break
      case 0x5a: // 'Z' ReadyForQuery ends the statement
        replies.push(reply)
        reply = emptyReply()
        break
      // Others (BindComplete, NoData, notices, parameter status...) carry nothing needed.
    }
    at = end
  }
  return { replies, notifications }
}

function emptyReply(): StatementReply {
  return {
    rows: [],
    fields: [],
    affectedRows: 0,
    paramTypes: [],
    isParsed: false,
    isComplete: false,
    error: null,
  }
}

function readParameterTypes(view: DataView, at: number): number[] {
  const count = view.getInt16(at)
  const types: number[] = []
  for (let index = 0; index < count; index++) types.push(view.getUint32(at + 2 + 4 * index))
  return types
}

function readFields(bytes: Uint8Array, view: DataView, at: number): FieldDescription[] {
  const count = view.getInt16(at)
  const fields: FieldDescription[] = []
  at += 2
  for (let index = 0; index < count; index++) {
    const nameEnd = bytes.indexOf(0, at)
    const name = decoder.decode(bytes.subarray(at, nameEnd))
    // After the name: table oid (4), column number (2), then the type oid.
    const dataTypeID = view.getUint32(nameEnd + 1 + 6)
    fields.push({ name, dataTypeID })
    at = nameEnd + 1 + 18
  }
  return fields
}

function readRow(
  bytes: Uint8Array,
  view: DataView,
  at: number,
  fields: FieldDescription[],
  parsers: Record<number, TypeParser>,
): Record<string, unknown> {
  const count = view.getInt16(at)
  const row: Record<string, unknown> = {}
  at += 2
  for (let index = 0; index < count; index++) {
    const length = view.getInt32(at)
    at += 4
    let value: unknown = null
    if (length >= 0) {
      const { dataTypeID } = fields[index]
      const text = decoder.decode(bytes.subarray(at, at + length))
      const parser = parsers[dataTypeID]
      value = parser ? parser(text, dataTypeID) : text
      at += length
    }
    const { name } = fields[index]
    // A column may be called `__proto__`; it must stay a column, not become the prototype.
    if (name === '__proto__') {
      Object.defineProperty(row, name, {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
      })
    } else {
      row[name] = value
    }
  }
  return row
}

// "INSERT 0 5", "UPDATE 3", "SELECT 1": only writes count as affected, as in PGlite.
function affectedRowsOf(tag: string): number {
  const words = tag.split(' ')
  if (!COUNTED_COMMANDS.has(words[0])) return 0
  const count = parseInt(words[words.length - 1], 10)
  return Number.isNaN(count) ? 0 : count
}

const COUNTED_COMMANDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'COPY', 'MERGE'])

// PGlite's own decoder makes the same `DatabaseError` (code, detail, hint, position...) its
// `query()` throws.
function readError(message: Uint8Array): Error {
  let error: Error | null = null
  new protocol.Parser().parse(message.slice(), (decoded) => {
    if (decoded instanceof Error) error = decoded
  })
  return error ?? new Error('Postgres sent an error this emulator could not read')
}

function readNotification(bytes: Uint8Array, at: number): Notification {
  // Process id (4), channel, payload.
  const channelEnd = bytes.indexOf(0, at + 4)
  const payloadEnd = bytes.indexOf(0, channelEnd + 1)
  return {
    channel: decoder.decode(bytes.subarray(at + 4, channelEnd)),
    payload: decoder.decode(bytes.subarray(channelEnd + 1, payloadEnd)),
  }
}
