/**
 * Calls to Postgres functions at `/rpc/<name>` (PostgREST's `CallPlan` and its response):
 * POST with a JSON object of named arguments, or GET/HEAD with arguments in the query string,
 * run in a READ ONLY transaction. Rows a function returns are read through the read builder,
 * so `select`, filters, order, limit and counts apply to them as to a table.
 */
import { createResponse, JSON_CONTENT_TYPE } from '../http.ts'
import type { RestRequest } from './context.ts'
import { maxAffectedError, RestError } from './errors.ts'
import {
  checkStrictPreferences,
  formatPreferenceApplied,
  parsePreferences,
  type Preferences,
} from './preferences.ts'
import { planRpcCall, readRpcArguments, settleRepeated, type RpcCall } from './plan-rpc.ts'
import { parseQueryParams } from './query-params.ts'
import { formatContentRange, resolvePage, resolveRangeStatus, type Page } from './range.ts'
import { assertSingleRow, buildExplain, negotiateMedia, type Media } from './response.ts'
import {
  applyResponseSettings,
  readResponseSettings,
  type ResponseSettingsRow,
} from './response-settings.ts'
import { SqlParams } from './sql-fragments.ts'
import { buildReadQuery } from './sql-read.ts'
import { formatPlan } from './sql-mutate.ts'
import {
  buildCallSource,
  buildScalarQuery,
  buildVoidQuery,
  formatWith,
  ROWS_CTE,
  type CallSql,
} from './sql-rpc.ts'

interface CallRow extends ResponseSettingsRow {
  total_count: number | string | null
  page_total: number | string
  body: string | null
}

/** Answers a call of the function `rest.name` in `rest.schema`. */
export async function handleRpc(rest: RestRequest): Promise<Response> {
  const { request } = rest
  if (!['GET', 'HEAD', 'POST'].includes(request.method)) {
    throw new RestError(405, 'PGRST101', `Cannot use the ${request.method} method on RPC`)
  }
  const preferences = parsePreferences(request.headers['prefer'])
  checkStrictPreferences(preferences)

  const input = readRpcArguments(rest)
  const call = planRpcCall(rest, input, preferences.params === 'single-object')
  const { routine } = call
  const query = parseQueryParams(request.url.searchParams, { excluded: input.keys })
  const media = negotiateMedia(request.headers['accept'])
  if (preferences.handling === 'strict' && preferences.maxAffected !== undefined) {
    if (!routine.returnsSet) {
      throw new RestError(
        400,
        'PGRST128',
        'Function must return SETOF or TABLE when max-affected preference is used with handling=strict',
      )
    }
  }

  const params = new SqlParams()
  const source = buildCallSource(call, settleRepeated(input, call), params)
  const page = resolvePage(request.headers['range'], query.root.limit, query.root.offset)
  // Not yet: count=planned and count=estimated (the planner's estimate); both count exactly.
  const shouldCount = !!preferences.count && !media.plan
  const statement = planStatement(rest, call, source, query, media, page, shouldCount, params)

  // PostgREST's access mode: read-only but for a POST to a VOLATILE function.
  const isReadOnly = request.method !== 'POST' || routine.volatility !== 'volatile'
  if (media.plan) {
    const { plan } = media
    const text = await rest.run(
      async (session) => {
        const { rows } = await session.query(buildExplain(statement, plan), params.values)
        return formatPlan(rows, plan.format)
      },
      () => preferences.tx === 'rollback',
      isReadOnly,
    )
    return createResponse(200, request.method === 'HEAD' ? null : text, {
      'content-type': media.contentType,
    })
  }

  const row = await rest.run(
    async (session) => {
      // A read-only call that writes fails with 25006.
      const { rows } = await session.query<CallRow>(statement, params.values)
      const pageTotal = Number(rows[0].page_total)
      if (routine.returnsSet && !routine.returnsScalar && media.format === 'single') {
        assertSingleRow(pageTotal)
      }
      checkMaxAffected(preferences, pageTotal)
      return rows[0]
    },
    () => preferences.tx === 'rollback',
    isReadOnly,
  )

  return respond(rest, call, preferences, media, page, row)
}

// Which shape of statement the function's return type asks for.
function planStatement(
  rest: RestRequest,
  call: RpcCall,
  source: CallSql,
  query: ReturnType<typeof parseQueryParams>,
  media: Media,
  page: Page,
  shouldCount: boolean,
  params: SqlParams,
): string {
  const { routine } = call
  if (routine.returnType === 'void') return buildVoidQuery(source)
  if (routine.returnsScalar) {
    // Not yet: filters, order and select on functions returning scalars (PostgREST treats the
    // value as a column named after the function); they answer the emulator's 501.
    const isStar =
      query.select.length === 1 &&
      query.select[0].kind === 'column' &&
      query.select[0].field.name === '*'
    if (query.root.conditions.length || query.root.order.length || !isStar) {
      throw rest.notYet('select, filters or order on an rpc that returns scalars')
    }
    if (!routine.returnsSet) return buildScalarQuery(source, false, shouldCount)
    return buildScalarQuery(source, true, shouldCount, {
      limit: page.limit === null ? null : params.add(page.limit),
      offset: page.offset ? params.add(page.offset) : null,
    })
  }

  const relation = routine.returnsRelation
    ? (rest.cache.relations.get(
        `${routine.returnsRelation.schema}.${routine.returnsRelation.name}`,
      ) ?? null)
    : null
  // A function returning one composite value answers one object, not an array.
  const format = routine.returnsSet ? media.format : 'single'
  const read = buildReadQuery({
    source: {
      from: ROWS_CTE,
      alias: 'pgrst_call',
      relation,
      name: { schema: routine.schema, name: routine.name },
    },
    query,
    cache: rest.cache,
    params,
    shouldCount,
    range: page,
    format,
    shouldStripNulls: media.shouldStripNulls,
  })
  return `${formatWith(source, true)}${read.sql}`
}

function checkMaxAffected(preferences: Preferences, affected: number): void {
  const { handling, maxAffected } = preferences
  if (handling === 'strict' && maxAffected !== undefined && affected > maxAffected) {
    throw maxAffectedError(affected)
  }
}

function respond(
  rest: RestRequest,
  call: RpcCall,
  preferences: Preferences,
  media: Media,
  page: Page,
  row: CallRow,
): Response {
  const { method } = rest.request
  // Read once the transaction is over: PostgREST builds the response after the commit, so
  // settings it cannot use (PGRST111, PGRST112) do not undo the function's writes.
  const settings = readResponseSettings(row)
  const total = row.total_count === null ? null : Number(row.total_count)
  const pageTotal = Number(row.page_total)
  const headers: Record<string, string> = {
    'content-range': formatContentRange(page.offset, pageTotal, total),
    ...formatPreferenceApplied(preferences, ['count', 'tx', 'handling', 'maxAffected']),
  }
  // PostgREST 12 answers a function returning void with 204 and no body.
  if (call.routine.returnType === 'void') {
    const chosen = applyResponseSettings(204, headers, settings)
    return createResponse(chosen.status, null, chosen.headers)
  }

  headers['content-type'] = call.routine.returnsScalar ? JSON_CONTENT_TYPE : media.contentType
  const rangeStatus = resolveRangeStatus(page.offset, pageTotal, total)
  const chosen = applyResponseSettings(rangeStatus, headers, settings)
  const body = method === 'HEAD' ? null : (row.body ?? 'null')
  return createResponse(chosen.status, body, chosen.headers)
}
