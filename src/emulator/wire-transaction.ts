/**
 * A request's transaction, spoken directly in Postgres's wire protocol to PGlite.
 *
 * PGlite's `transaction()` and `query()` send each protocol message as a call of its own
 * into the WASM backend (ten or more per request) and Postgres parses and plans every
 * statement anew. Like PostgREST, whose statements are prepared by default, the emulator
 * prepares each statement once per database under a name and afterwards only binds and
 * executes it; `BEGIN` travels with the first statement. A one-row read then takes three
 * trips: begin + set the request context, the query, commit.
 */
import { protocol, type PGlite } from '@electric-sql/pglite'
import { assertJsonDepth, createStackDepthError } from './stack-depth.ts'
import { deliverNotifications } from './notifications.ts'
import {
  decodeReplies,
  encodeExecution,
  type FieldDescription,
  type ParameterValue,
  type StatementReply,
} from './wire-protocol.ts'

const { serialize } = protocol

// Messages that never change, encoded once.
const BEGIN = serialize.query('BEGIN')
const COMMIT = serialize.query('COMMIT')
const ROLLBACK = serialize.query('ROLLBACK')
const SYNC = serialize.sync()

// Enough for every statement shape a lesson sends; the least recently used go beyond it.
const MAX_PREPARED = 200

interface Prepared {
  name: string
  /** Parameter type oids, to serialise values exactly as PGlite's `query()` does. */
  paramTypes: number[]
}

interface PreparedStatements {
  bySql: Map<string, Prepared>
  /** Names to close with the next trip: evicted, or planned against an older schema. */
  stale: string[]
  nextId: number
}

const statementsByDb = new WeakMap<PGlite, PreparedStatements>()

/** What a statement returned. */
export interface StatementResult<Row> {
  rows: Row[]
  fields: FieldDescription[]
  affectedRows: number
}

/** A transaction opened by `beginTransaction`; `end` must be called exactly once. */
export interface WireTransaction {
  query<Row>(sql: string, params?: unknown[]): Promise<StatementResult<Row>>
  end(outcome: 'commit' | 'rollback'): Promise<void>
}

/**
 * Opens a transaction on `db`. The caller must hold PGlite's transaction lock for its
 * whole life (`db._runExclusiveTransaction`), so no other statement lands inside it.
 */
export function beginTransaction(db: PGlite): WireTransaction {
  // BEGIN is sent with the first statement, saving a trip; until then it is pending.
  let pending: Uint8Array[] = [BEGIN]

  function send(parts: Uint8Array[]): Promise<StatementReply[]> {
    const message = concatenate([...pending, ...parts])
    pending = []
    // The query lock still matters inside the transaction: a service may run two statements
    // at once (Promise.all), and PGlite reads each call's results after an await.
    return db._runExclusiveQuery(() => exchange(db, message))
  }

  return {
    async query<Row>(sql: string, params: unknown[] = []) {
      // EXPLAIN of a generic plan would show `$1` where the reader expects the value.
      const isOneOff = /^\s*explain\b/i.test(sql)
      const statements = statementsOf(db)
      const prepared = isOneOff ? null : touch(statements, sql)
      const { name, paramTypes } = prepared ?? (await prepare(send, statements, sql, isOneOff))

      // Bind, Describe, Execute, Sync: Sync ends the statement; after an error it hands the
      // backend back to the transaction, which `end('rollback')` then rolls back.
      const replies = await send([encodeExecution(name, serializeValues(db, params, paramTypes))])
      const reply = replies[replies.length - 1]
      // PGlite swallows a stack overflow while the statement runs: no error, and no end.
      if (!reply?.isComplete) throw createStackDepthError('PGlite ran out of stack running it.')
      const { rows, fields, affectedRows } = reply
      return { rows: rows as Row[], fields, affectedRows }
    },

    async end(outcome) {
      const hasBegun = pending.length === 0
      if (!hasBegun) return
      try {
        await send([outcome === 'commit' ? COMMIT : ROLLBACK])
      } finally {
        await db.syncToFs()
      }
    },
  }
}

/**
 * Forgets the statements prepared on `db`, after DDL: a cached plan whose tables changed
 * shape fails with "cached plan must not change result type".
 */
export function forgetPreparedStatements(db: PGlite, { isDropped = false } = {}): void {
  const statements = statementsByDb.get(db)
  if (!statements) return
  // Statements Postgres has dropped already need no closing.
  if (!isDropped) for (const { name } of statements.bySql.values()) statements.stale.push(name)
  statements.bySql.clear()
}

function statementsOf(db: PGlite): PreparedStatements {
  let statements = statementsByDb.get(db)
  if (!statements) {
    statements = { bySql: new Map(), stale: [], nextId: 1 }
    statementsByDb.set(db, statements)
  }
  return statements
}

// Map order is use order: re-inserting keeps the least recently used first.
function touch(statements: PreparedStatements, sql: string): Prepared | null {
  const prepared = statements.bySql.get(sql)
  if (!prepared) return null
  statements.bySql.delete(sql)
  statements.bySql.set(sql, prepared)
  return prepared
}

const PARSE_OVERFLOW = 'PGlite ran out of stack parsing it.'

// Parses `sql` in a trip of its own, so a statement that fails to parse is never
// remembered, and learns its parameter types.
async function prepare(
  send: (parts: Uint8Array[]) => Promise<StatementReply[]>,
  statements: PreparedStatements,
  sql: string,
  isOneOff: boolean,
): Promise<Prepared> {
  const name = isOneOff ? '' : `sandbase_${statements.nextId++}`
  const closing = statements.stale.splice(0)
  // PGlite swallows a stack overflow while Postgres parses (deeply nested expressions):
  // no error comes back, no statement is made, and the Describe then misses it (26000).
  const replies = await send([
    ...closing.map((stale) => serialize.close({ type: 'S', name: stale })),
    serialize.parse({ name, text: sql }),
    serialize.describe({ type: 'S', name }),
    SYNC,
  ]).catch((error) => {
    throw error?.code === '26000' ? createStackDepthError(PARSE_OVERFLOW) : error
  })
  const reply = replies[replies.length - 1]
  if (!reply?.isParsed) throw createStackDepthError(PARSE_OVERFLOW)
  const prepared = { name, paramTypes: reply.paramTypes }
  if (isOneOff) return prepared

  statements.bySql.set(sql, prepared)
  if (statements.bySql.size > MAX_PREPARED) {
    const [oldestSql, oldest] = statements.bySql.entries().next().value!
    statements.bySql.delete(oldestSql)
    statements.stale.push(oldest.name)
  }
  return prepared
}

// Text goes as it is: Postgres reads it by the parameter's type, so a bad value is its
// error (22P02), not the serializer's. Other values get the serializer PGlite's `query()`
// would use for the parameter's type, or their text.
function serializeValues(db: PGlite, params: unknown[], paramTypes: number[]) {
  return params.map((param, index): ParameterValue => {
    if (param === null || param === undefined) return null
    const typeId = paramTypes[index]
    const serializer = db.serializers[typeId]
    const text = typeof param === 'string' ? param : serializer ? serializer(param) : String(param)
    if (typeof text === 'string') assertJsonDepth(text, typeId)
    return text
  })
}

// Databases whose backend stopped answering (see `exchange`).
const brokenDatabases = new WeakSet<PGlite>()

// Not yet: recovering a broken backend by itself; the project must be reset, back to its
// starting data. It can go once PGlite recovers from a stack overflow the way Postgres
// recovers from an error.
const BROKEN_MESSAGE =
  'PGlite ran out of stack in an earlier statement and stopped answering; reset the project'

// One call into the backend: its reply read, notifications handed on, the first error of
// the trip thrown (a later one is the aborted transaction refusing what followed).
async function exchange(db: PGlite, message: Uint8Array): Promise<StatementReply[]> {
  // Once the backend stopped answering, the next call into it would spin forever.
  if (brokenDatabases.has(db)) throw new Error(BROKEN_MESSAGE)
  const chunks: Uint8Array[] = []
  // The chunks are views of the backend's memory, valid only during the call.
  const onRawData = (chunk: Uint8Array) => chunks.push(chunk.slice())
  await db.execProtocolRawStream(message, { syncToFs: false, onRawData })

  const reply = chunks.length === 1 ? chunks[0] : concatenate(chunks)
  const { replies, notifications } = decodeReplies(reply, db.parsers)
  // Every Query and Sync ends in ReadyForQuery. A stack overflow PGlite swallowed in a
  // function can leave the backend answering nothing at all.
  if (replies.length < countReadyForQuery(message)) {
    brokenDatabases.add(db)
    throw new Error(BROKEN_MESSAGE)
  }
  deliverNotifications(db, notifications)
  const failed = replies.find((statement) => statement.error)
  if (failed) throw failed.error
  return replies
}

// The ReadyForQuery messages a trip's messages ask for: one per Query and one per Sync.
function countReadyForQuery(message: Uint8Array): number {
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength)
  let count = 0
  for (let at = 0; at + 5 <= message.length; at += 1 + view.getInt32(at + 1)) {
    if (message[at] === 0x51 || message[at] === 0x53) count++ // 'Q', 'S'
  }
  return count
}

function concatenate(parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((length, part) => length + part.length, 0)
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const part of parts) {
    bytes.set(part, offset)
    offset += part.length
  }
  return bytes
}
