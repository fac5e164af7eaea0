/**
 * POST (insert, upsert), PATCH (update) and DELETE on a relation: plan, run as one statement
 * in the request's transaction, and answer with PostgREST's statuses and headers
 * (`Content-Range`, `Location`, `Preference-Applied`). Mirrors PostgREST's mutation responses.
 */
import { createResponse } from '../http.ts'
import type { SqlSession } from '../db.ts'
import type { RestRequest } from './context.ts'
import { maxAffectedError, RestError } from './errors.ts'
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
  checkPutRequest,
  findMissingColumns,
  hasConflictTarget,
  planMutationWhere,
  planOnConflict,
  planReturning,
  readDefaults,
} from './plan-mutate.ts'
import {
  buildDeleteCte,
  buildInsertCte,
  buildSourceCte,
  buildUpdateCte,
  formatPlan,
  MUTATION,
  SOURCE,
  type Returning,
} from './sql-mutate.ts'
import type { Relation } from './schema-cache.ts'
import { findRelation } from './read.ts'
import { parseQueryParams, type QueryParams } from './query-params.ts'
import { assertSingleRow, buildExplain, negotiateMedia, type Media } from './response.ts'
import {
  applyResponseSettings,
  readResponseSettings,
  RESPONSE_SETTING_COLUMNS,
  type ResponseSettingsRow,
} from './response-settings.ts'
import { SqlParams } from './sql-fragments.ts'
import { buildReadQuery } from './sql-read.ts'

interface MutationResult {
  total: number
  inserted: number
  body: string | null
  /** Primary key values of the mutated rows, for `Location`. */
  keys: Record<string, unknown>[]
  /** The EXPLAIN output, when a plan media type was asked for. */
  plan?: string
  /** The status and headers the write's triggers set, read after the commit. */
  settings?: ResponseSettingsRow
}

/** One write, planned: the request pieces every kind of mutation needs. */
interface Mutation {
  rest: RestRequest
  relation: Relation
  preferences: Preferences
  query: QueryParams
  media: Media
  returning: Returning
}

/** Handles a write on a relation. */
export async function handleMutation(rest: RestRequest): Promise<Response> {
  const { method } = rest.request
  const preferences = parsePreferences(rest.request.headers['prefer'])
  checkStrictPreferences(preferences)
  if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) {
    throw new RestError(405, 'PGRST117', `Unsupported HTTP method: ${method}`)
  }

  const relation = findRelation(rest.cache, rest.schema, rest.name)
  const query = parseQueryParams(rest.request.url.searchParams)
  const media = negotiateMedia(rest.request.headers['accept'])
  const mutation = {
    rest,
    relation,
    preferences,
    query,
    media,
    returning: planReturning(preferences, method),
  }

  if (method === 'POST') return insertRows(mutation)
  if (method === 'PUT') return putRow(mutation)
  if (method === 'PATCH') return updateRows(mutation)
  return deleteRows(mutation)
}

async function insertRows(mutation: Mutation) {
  const { rest, relation, preferences, returning } = mutation
  const payload = readPayload(rest.request, rest.request.url.searchParams.get('columns'))
  checkColumns(relation, payload.keys)
  const onConflict = planOnConflict(rest, relation, preferences)
  const missing = preferences.missing === 'default' ? findMissingColumns(payload) : []
  const hasInserted = onConflict?.resolution === 'merge-duplicates'

  const result = await runMutation(mutation, hasInserted, async (session, params) => {
    params.add(payload.json)
    const defaults = missing.length ? await readDefaults(session, relation, missing) : null
    return buildInsertCte({ relation, columns: payload.keys, defaults, onConflict, returning })
  })

  // PostgREST answers 200 instead of 201 when an upsert only merged into existing rows.
  const isOnlyMerged = hasInserted && result.inserted <= 0 && result.total > 0
  const applied: AppliedKind[] = ['missing', 'return', 'count', 'tx', 'handling']
  if (hasConflictTarget(rest, relation)) applied.unshift('resolution')

  return respond(mutation, result, {
    status: isOnlyMerged ? 200 : 201,
    contentRange: formatContentRange(1, 0, shouldCount(preferences) ? result.total : null),
    headers: {
      ...formatLocation(mutation, result),
      ...formatPreferenceApplied(preferences, applied),
    },
  })
}

// PUT: insert the one row the primary-key filters name, or replace it if it exists.
async function putRow(mutation: Mutation) {
  const { rest, relation, preferences, query, returning } = mutation
  const payload = readPayload(rest.request, null)
  checkColumns(relation, payload.keys)
  checkPutRequest(relation, query, payload)
  const onConflict = { columns: relation.primaryKey, resolution: 'merge-duplicates' as const }

  const result = await runMutation(mutation, true, async (_, params) => {
    params.add(payload.json)
    return buildInsertCte({
      relation,
      columns: payload.keys,
      defaults: null,
      onConflict,
      returning,
    })
  })

  const isRepresentation = returning === 'rows'
  const status = !isRepresentation ? 204 : result.inserted > 0 ? 201 : 200
  const applied: AppliedKind[] = ['return', 'count', 'tx', 'handling']
  return respond(mutation, result, {
    status,
    contentRange: null,
    headers: formatPreferenceApplied(preferences, applied),
  })
}

async function updateRows(mutation: Mutation) {
  const { rest, relation, preferences, returning } = mutation
  const payload = readPayload(rest.request, rest.request.url.searchParams.get('columns'))
  checkColumns(relation, payload.keys)
  const row = payload.rows[0] ?? {}
  const columns = payload.keys.filter((key) => Object.hasOwn(row, key))

  const result = await runMutation(mutation, false, async (_, params) => {
    params.add(payload.rawObject ?? JSON.stringify(row))
    const where = planMutationWhere(rest, relation, mutation.query, params)
    return buildUpdateCte({ relation, columns, where, returning })
  })

  const { total } = result
  const applied: AppliedKind[] = ['missing', 'return', 'count', 'tx', 'handling', 'maxAffected']
  return respond(mutation, result, {
    status: preferences.return === 'representation' ? 200 : 204,
    contentRange: formatContentRange(0, total - 1, shouldCount(preferences) ? total : null),
    headers: formatPreferenceApplied(preferences, applied),
  })
}

async function deleteRows(mutation: Mutation) {
  const { rest, relation, preferences, returning } = mutation

  const result = await runMutation(mutation, false, async (_, params) => {
    const where = planMutationWhere(rest, relation, mutation.query, params)
    return buildDeleteCte({ relation, where, returning })
  })

  const applied: AppliedKind[] = ['return', 'count', 'tx', 'handling', 'maxAffected']
  return respond(mutation, result, {
    status: preferences.return === 'representation' ? 200 : 204,
    contentRange: formatContentRange(1, 0, shouldCount(preferences) ? result.total : null),
    headers: formatPreferenceApplied(preferences, applied),
  })
}

/**
 * Runs the mutation CTE that `plan` builds, then one SELECT of what the response needs; the
 * body is read back from the mutated rows by the read builder, so `?select=` (embeddings
 * included) shapes it. Errors thrown here (PGRST116, PGRST124) roll the transaction back.
 */
async function runMutation(
  mutation: Mutation,
  hasInserted: boolean,
  plan: (session: SqlSession, params: SqlParams) => Promise<string>,
): Promise<MutationResult> {
  const { rest, relation, preferences, query, media, returning } = mutation
  const shouldRollback = () => preferences.tx === 'rollback'

  return rest.run(async (session) => {
    const params = new SqlParams()
    const ctes = [await plan(session, params)]
    const columns = [`(select count(*) from ${MUTATION})::int as total`]
    if (hasInserted) {
      columns.push(`(select count(*) from ${MUTATION} where pgrst_inserted)::int as inserted`)
    }
    if (returning === 'primary-key') {
      columns.push(`(select coalesce(json_agg(${MUTATION}), '[]') from ${MUTATION}) as keys`)
    }
    let from = ''
    if (returning === 'rows') {
      ctes.push(buildSourceCte(relation))
      const read = buildReadQuery({
        source: { from: SOURCE, alias: SOURCE, relation },
        query: forRepresentation(query, rest.request.method),
        cache: rest.cache,
        params,
        format: media.format,
        shouldStripNulls: media.shouldStripNulls,
      })
      columns.push('pgrst_read.page_total::int as page_total', 'pgrst_read.body')
      from = `\nfrom (${read.sql}) as pgrst_read`
    }

    // Last, so that what the write's triggers set is read after the write.
    columns.push(RESPONSE_SETTING_COLUMNS)
    const sql = `with ${ctes.join(',\n')}\nselect ${columns.join(',\n  ')}${from}`
    // A plan instead of rows: with `analyze` the write really runs, as on PostgREST.
    if (media.plan) {
      const { rows } = await session.query(buildExplain(sql, media.plan), params.values)
      return {
        total: 0,
        inserted: 0,
        body: null,
        keys: [],
        plan: formatPlan(rows, media.plan.format),
      }
    }
    type Row = Partial<MutationResult> & ResponseSettingsRow & { page_total?: number }
    const { rows } = await session.query<Row>(sql, params.values)
    const [row] = rows
    const total = row.total ?? 0
    if (returning === 'rows' && media.format === 'single') assertSingleRow(row.page_total ?? 0)
    // PostgREST applies max-affected to updates and deletes only, never to inserts.
    const isLimitable = ['PATCH', 'DELETE'].includes(rest.request.method)
    const { maxAffected, handling } = preferences
    if (isLimitable && handling === 'strict' && maxAffected !== undefined && total > maxAffected) {
      throw maxAffectedError(total)
    }
    const inserted = row.inserted ?? total
    const settings = {
      response_status: row.response_status,
      response_headers: row.response_headers,
    }
    return { total, inserted, body: row.body ?? null, keys: row.keys ?? [], settings }
  }, shouldRollback)
}

// The filters and limits of an update or delete chose the rows to change; the changed rows may
// no longer match them, so the representation reads every mutated row. An insert's do apply.
function forRepresentation(query: QueryParams, method: string): QueryParams {
  if (method === 'POST') return query
  return { ...query, root: { ...query.root, conditions: [], limit: null, offset: null } }
}

interface ResponseShape {
  status: number
  contentRange: string | null
  headers: Record<string, string>
}

function respond(mutation: Mutation, result: MutationResult, shape: ResponseShape): Response {
  if (result.plan !== undefined) {
    return createResponse(200, result.plan, { 'content-type': mutation.media.contentType })
  }
  const own: Record<string, string> = { ...shape.headers }
  if (shape.contentRange !== null) own['content-range'] = shape.contentRange
  const hasBody = mutation.returning === 'rows'
  if (hasBody) own['content-type'] = mutation.media.contentType

  const settings = readResponseSettings(result.settings)
  const { status, headers } = applyResponseSettings(shape.status, own, settings)
  return createResponse(status, hasBody ? (result.body ?? '[]') : null, headers)
}

/** PostgREST's `Content-Range` for a mutation: `lower-upper/total`, `*` where unknown. */
export function formatContentRange(lower: number, upper: number, total: number | null): string {
  const isInRange = total !== 0 && lower <= upper
  return `${isInRange ? `${lower}-${upper}` : '*'}/${total ?? '*'}`
}

// `Location: /countries?id=eq.7` for one inserted row with a primary key (return=headers-only).
function formatLocation(mutation: Mutation, result: MutationResult): Record<string, string> {
  const { rest, relation, returning } = mutation
  if (returning !== 'primary-key' || relation.primaryKey.length === 0) return {}
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
