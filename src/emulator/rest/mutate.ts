/**
 * POST (insert, upsert), PATCH (update) and DELETE on a relation: plan, run as one statement
 * in the request's transaction, and answer with PostgREST's statuses and headers
 * (`Content-Range`, `Location`, `Preference-Applied`). Mirrors PostgREST's mutation responses.
 */
import { createResponse } from '../http.ts'
import type { RestRequest } from './context.ts'
import { maxAffectedError, RestError, singularityError } from './errors.ts'
import {
  checkStrictPreferences,
  formatPreferenceApplied,
  parsePreferences,
  shouldCount,
  type AppliedKind,
  type Preferences,
} from './preferences.ts'
import { readPayload } from './body.ts'
import {
  checkColumns,
  findMissingColumns,
  findRelation,
  hasConflictTarget,
  pickColumns,
  planOnConflict,
  planReturning,
} from './plan-mutate.ts'
import {
  buildDeleteCte,
  buildInsertCte,
  buildSourceCte,
  buildUpdateCte,
  COLUMN_DEFAULTS_SQL,
  MUTATION,
  qualify,
  SOURCE,
  type Returning,
} from './sql-mutate.ts'
import { buildFilterCondition, buildRepresentation, type SqlFragment } from './read-adapter.ts'
import type { Relation } from './schema-cache.ts'
import type { SqlSession } from '../db.ts'

interface MutationResult {
  total: number
  inserted: number
  body: string | null
  /** Primary key values of the mutated rows, for `Location`. */
  keys: Record<string, unknown>[]
}

/** Handles a write on a relation. */
export async function handleMutation(rest: RestRequest): Promise<Response> {
  const { method } = rest.request
  const preferences = parsePreferences(rest.request.headers['prefer'])
  checkStrictPreferences(preferences)

  if (method === 'POST') return insertRows(rest, findRelation(rest), preferences)
  if (method === 'PATCH') return updateRows(rest, findRelation(rest), preferences)
  if (method === 'DELETE') return deleteRows(rest, findRelation(rest), preferences)
  // Not yet: PUT, PostgREST's single-row upsert addressed by primary-key filters; it answers
  // the emulator's 501 SBX01 instead.
  if (method === 'PUT') throw rest.notYet('PUT (single-row upsert by primary key)')
  throw new RestError(405, 'PGRST117', `Unsupported HTTP method: ${method}`)
}

async function insertRows(rest: RestRequest, relation: Relation, preferences: Preferences) {
  const payload = readPayload(rest.request, rest.request.url.searchParams.get('columns'))
  checkColumns(relation, payload.keys)
  const onConflict = planOnConflict(rest, relation, preferences)
  const returning = planReturning(preferences)
  const missing = preferences.missing === 'default' ? findMissingColumns(payload) : []

  const result = await runMutation(rest, preferences, returning, async (session) => {
    const defaults = missing.length ? await readDefaults(session, relation, missing) : null
    const cte = buildInsertCte({
      relation,
      columns: payload.keys,
      defaults,
      onConflict,
      returning,
    })
    const hasInserted = onConflict?.resolution === 'merge-duplicates'
    return { cte, params: [JSON.stringify(pickColumns(payload))], hasInserted }
  })

  const isMergeOfExisting =
    onConflict?.resolution === 'merge-duplicates' && result.inserted <= 0 && result.total > 0
  const status = isMergeOfExisting ? 200 : 201
  const location = formatLocation(rest, relation, preferences, result)
  const applied: AppliedKind[] = ['missing', 'return', 'count', 'tx', 'handling']
  if (hasConflictTarget(rest, relation)) applied.unshift('resolution')

  return respond(rest, preferences, result, {
    status,
    contentRange: formatContentRange(1, 0, shouldCount(preferences) ? result.total : null),
    headers: { ...location, ...formatPreferenceApplied(preferences, applied) },
  })
}

async function updateRows(rest: RestRequest, relation: Relation, preferences: Preferences) {
  const payload = readPayload(rest.request, rest.request.url.searchParams.get('columns'))
  checkColumns(relation, payload.keys)
  const returning = planReturning(preferences)
  const row = pickColumns(payload)[0] ?? {}
  const columns = payload.keys.filter((key) => key in row)

  const result = await runMutation(rest, preferences, returning, async () => {
    const where = buildFilterCondition(rest, 'pgrst_target', 2)
    const cte = buildUpdateCte({ relation, columns, where: where?.sql ?? null, returning })
    return { cte, params: [JSON.stringify(row), ...(where?.params ?? [])], hasInserted: false }
  })

  const total = result.total
  const applied: AppliedKind[] = ['missing', 'return', 'count', 'tx', 'handling', 'maxAffected']
  return respond(rest, preferences, result, {
    status: preferences.return === 'representation' ? 200 : 204,
    contentRange: formatContentRange(0, total - 1, shouldCount(preferences) ? total : null),
    headers: formatPreferenceApplied(preferences, applied),
  })
}

async function deleteRows(rest: RestRequest, relation: Relation, preferences: Preferences) {
  const returning = planReturning(preferences)

  const result = await runMutation(rest, preferences, returning, async () => {
    const where = buildFilterCondition(rest, 'pgrst_target', 1)
    const cte = buildDeleteCte({ relation, where: where?.sql ?? null, returning })
    return { cte, params: where?.params ?? [], hasInserted: false }
  })

  const applied: AppliedKind[] = ['return', 'count', 'tx', 'handling', 'maxAffected']
  return respond(rest, preferences, result, {
    status: preferences.return === 'representation' ? 200 : 204,
    contentRange: formatContentRange(1, 0, shouldCount(preferences) ? result.total : null),
    headers: formatPreferenceApplied(preferences, applied),
  })
}

interface PlannedStatement {
  cte: string
  params: unknown[]
  hasInserted: boolean
}

/**
 * Runs the mutation CTE with a final SELECT of what the response needs. Errors thrown here
 * (PGRST116, PGRST124) roll the transaction back, as PostgREST does.
 */
async function runMutation(
  rest: RestRequest,
  preferences: Preferences,
  returning: Returning,
  plan: (session: SqlSession) => Promise<PlannedStatement>,
): Promise<MutationResult> {
  const isSingle = wantsSingleObject(rest)
  const shouldRollback = () => preferences.tx === 'rollback'

  return rest.run(async (session) => {
    const { cte, params, hasInserted } = await plan(session)
    const ctes = [cte]
    const columns = [`(select count(*) from ${MUTATION})::int as total`]
    if (hasInserted) {
      columns.push(`(select count(*) from ${MUTATION} where pgrst_inserted)::int as inserted`)
    }
    if (returning === 'rows') {
      ctes.push(buildSourceCte(findRelation(rest)))
      const body = withParams(buildRepresentation(rest, SOURCE), params)
      columns.push(`${isSingle ? `((${body})::json -> 0)::text` : body} as body`)
    }
    if (returning === 'primary-key') {
      columns.push(`(select coalesce(json_agg(${MUTATION}), '[]') from ${MUTATION}) as keys`)
    }

    const sql = `with ${ctes.join(',\n')}\nselect ${columns.join(',\n  ')}`
    const { rows } = await session.query<Partial<MutationResult>>(sql, params)
    const [row] = rows
    const result: MutationResult = {
      total: row.total ?? 0,
      inserted: row.inserted ?? row.total ?? 0,
      body: row.body ?? null,
      keys: row.keys ?? [],
    }

    if (isSingle && returning === 'rows' && result.total !== 1) {
      throw singularityError(result.total)
    }
    const { maxAffected, handling } = preferences
    if (handling === 'strict' && maxAffected !== undefined && result.total > maxAffected) {
      throw maxAffectedError(result.total)
    }
    return result
  }, shouldRollback)
}

// Appends a fragment's parameters after the ones already bound and returns its SQL.
function withParams(fragment: SqlFragment, params: unknown[]): string {
  if (fragment.params.length) params.push(...fragment.params)
  return fragment.sql
}

/** Whether the client asked for one object (`.single()`), PostgREST's singular media type. */
export function wantsSingleObject(rest: RestRequest): boolean {
  return (rest.request.headers['accept'] ?? '').includes('application/vnd.pgrst.object+json')
}

interface ResponseShape {
  status: number
  contentRange: string
  headers: Record<string, string>
}

function respond(
  rest: RestRequest,
  preferences: Preferences,
  result: MutationResult,
  shape: ResponseShape,
): Response {
  const headers = { 'content-range': shape.contentRange, ...shape.headers }
  if (preferences.return !== 'representation') return createResponse(shape.status, null, headers)

  const contentType = wantsSingleObject(rest)
    ? 'application/vnd.pgrst.object+json; charset=utf-8'
    : 'application/json; charset=utf-8'
  return createResponse(shape.status, result.body ?? '[]', {
    ...headers,
    'content-type': contentType,
  })
}

/** PostgREST's `Content-Range` for a mutation: `lower-upper/total`, `*` where unknown. */
export function formatContentRange(lower: number, upper: number, total: number | null): string {
  const isInRange = total !== 0 && lower <= upper
  return `${isInRange ? `${lower}-${upper}` : '*'}/${total ?? '*'}`
}

// `Location: /countries?id=eq.7` for one inserted row with a primary key (return=headers-only).
function formatLocation(
  rest: RestRequest,
  relation: Relation,
  preferences: Preferences,
  result: MutationResult,
): Record<string, string> {
  if (preferences.return !== 'headers-only' || relation.primaryKey.length === 0) return {}
  if (result.keys.length !== 1) return {}
  const [row] = result.keys
  const query = new URLSearchParams(
    relation.primaryKey.map((column) => [column, `eq.${formatKeyValue(row[column])}`]),
  )
  return { location: `/${rest.name}?${query}` }
}

function formatKeyValue(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)
}

async function readDefaults(
  session: SqlSession,
  relation: Relation,
  columns: string[],
): Promise<Map<string, string>> {
  const { rows } = await session.query<{ name: string; expression: string }>(COLUMN_DEFAULTS_SQL, [
    qualify(relation),
    columns,
  ])
  return new Map(rows.map((row) => [row.name, row.expression]))
}
