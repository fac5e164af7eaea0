/**
 * PGlite, booted as a Supabase project, and the per-request transaction every service runs
 * in: `role`, `request.jwt.claims`, `request.method`, `request.path` and `request.headers`
 * are set locally, as PostgREST does, so `auth.uid()` and row level security behave as on
 * Supabase.
 */
import { PGlite } from '@electric-sql/pglite'
import { BOOTSTRAP_SQL } from './bootstrap.ts'
import { beginTransaction, forgetPreparedStatements, type WireTransaction } from './wire-transaction.ts'
import { listenToChannel } from './notifications.ts'
import type { Tracer } from './trace.ts'
import type { Claims } from './keys.ts'

export type Role = 'anon' | 'authenticated' | 'service_role' | 'postgres'

/** The fields of a Postgres error from PGlite (`DatabaseError`) that services pass on. */
export interface DatabaseErrorLike {
  code?: string
  message: string
  detail?: string
  hint?: string
}

/** Is this a Postgres error from PGlite (it carries a SQLSTATE and a severity)? */
export function isDatabaseError(error: unknown): error is DatabaseErrorLike {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    'severity' in error
  )
}

export interface BootOptions {
  /** A `dumpDataDir` tarball of an already bootstrapped database: skips initdb. */
  snapshot?: Blob | File
  /** SQL run after the bootstrap, when booting without a snapshot. */
  sql?: string[]
}

/** Boots PGlite either from a snapshot or from initdb plus the bootstrap and extra SQL. */
export async function bootDatabase({ snapshot, sql = [] }: BootOptions): Promise<PGlite> {
  let db: PGlite
  if (snapshot) {
    db = new PGlite({ loadDataDir: snapshot })
    await db.waitReady
  } else {
    db = new PGlite()
    await db.waitReady
    await db.exec(BOOTSTRAP_SQL)
    for (const script of sql) await db.exec(script)
  }

  // Postgres checks its stack against this limit; PGlite's WASM stack overflows well before
  // the 2MB default, and an overflow there is swallowed and leaves the backend broken for
  // every later request. Below it, deep recursion fails cleanly with 54001, as on Supabase.
  await db.exec(`set max_stack_depth = '200kB'`)
  // DDL notifies `pgrst` (see the bootstrap); plans prepared before it may no longer fit.
  await listenToChannel(db, 'pgrst', () => forgetPreparedStatements(db))
  return db
}

export interface RequestContext {
  requestId: number
  role: Role
  claims: Claims
  method: string
  path: string
  headers: Record<string, string>
  /** Runs the transaction read-only, as PostgREST does for GET and HEAD. */
  isReadOnly?: boolean
}

export interface QueryResult<Row = Record<string, unknown>> {
  rows: Row[]
  affectedRows?: number
  fields: { name: string; dataTypeID: number }[]
}

/** What a service's execute step gets: parameterised queries, each traced. */
export interface SqlSession {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<Row>>
}

/** Wraps a request's transaction so every statement emits a `sql` trace event. */
function createSqlSession(tx: WireTransaction, tracer: Tracer, requestId: number): SqlSession {
  return {
    async query(sql, params = []) {
      const started = performance.now()
      try {
        const result = await tx.query(sql, params)
        tracer.emit({
          type: 'sql',
          requestId,
          sql,
          params,
          // PGlite reports affectedRows 0 for a SELECT, so the rows returned count too.
          rowCount: Math.max(result.rows.length, result.affectedRows ?? 0),
          durationMs: performance.now() - started,
        })
        return result as QueryResult<never>
      } catch (error) {
        const { code, message } = error as { code?: string; message: string }
        tracer.emit({
          type: 'sql',
          requestId,
          sql,
          params,
          rowCount: 0,
          durationMs: performance.now() - started,
          error: { code, message },
        })
        throw error
      }
    },
  }
}

const SET_CONTEXT_SQL = `select
  set_config('role', $1, true),
  set_config('request.jwt.claims', $2, true),
  set_config('request.method', $3, true),
  set_config('request.path', $4, true),
  set_config('request.headers', $5, true),
  set_config('transaction_read_only', $6, true)`

/**
 * Runs `work` in one transaction as the request's role. A thrown error rolls it back;
 * `shouldRollback` lets `Prefer: tx=rollback` discard a successful one.
 */
export async function runInRequest<T>(
  db: PGlite,
  tracer: Tracer,
  context: RequestContext,
  work: (session: SqlSession) => Promise<T>,
  shouldRollback: (result: T) => boolean = () => false,
): Promise<T> {
  const { requestId, role, claims, method, path, headers, isReadOnly = false } = context

  // Not yet: Supabase's statement timeouts (3 s for anon, 8 s for authenticated) inside the
  // emulator. PGlite runs on its caller's thread and never fires them. In the page, the
  // runner's watchdog (src/runner/watchdog.ts) ends the emulator Worker once a request
  // outlives its role's timeout, answers it with PostgREST's 57014 and restarts the project
  // from its snapshot, losing the changes since; in Node (createEmulator, the lesson tests)
  // nothing watches, and a statement that never ends hangs its caller. It can go once PGlite
  // can interrupt a running statement.

  // Not yet: undoing session-level settings that SQL run by a request leaves behind (a
  // function calling `set_config('role', 'anon', false)`, say); they outlast the request,
  // where PostgREST's next transaction would start clean. Only functions a dataset defines
  // can do it: reader code cannot run such SQL.
  const attempt = () =>
    db._runExclusiveTransaction(async () => {
      const tx = beginTransaction(db)
      let result: T
      try {
        const session = createSqlSession(tx, tracer, requestId)
        await session.query(SET_CONTEXT_SQL, [
          role,
          JSON.stringify(claims),
          method,
          path,
          JSON.stringify(headers),
          isReadOnly ? 'on' : 'off',
        ])
        result = await work(session)
      } catch (error) {
        await tx.end('rollback')
        throw error
      }

      // A commit that fails (a deferred constraint, say) has already ended the transaction.
      await tx.end(shouldRollback(result) ? 'rollback' : 'commit')
      return result
    })

  try {
    return await attempt()
  } catch (error) {
    // SQL the project runs (`deallocate all` in a function, say) can drop the emulator's
    // prepared statements; the request then runs again with freshly prepared ones.
    if (!isDatabaseError(error) || error.code !== INVALID_STATEMENT_NAME) throw error
    forgetPreparedStatements(db, { isDropped: true })
    return attempt()
  }
}

const INVALID_STATEMENT_NAME = '26000'
