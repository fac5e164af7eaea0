/**
 * GET and HEAD on a relation (PostgREST's `handleRead`): parse the query string, negotiate
 * the media type, build one read statement, run it as the request's role, answer with the
 * body Postgres built and the `Content-Range` of the page.
 */
import type { RestRequest } from './context.ts'
import { estimateRowCount, readCountPreference, resolveCount } from './count.ts'
import { RestError } from './errors.ts'
import { findClosestName } from './fuzzy.ts'
import { parseQueryParams } from './query-params.ts'
import { formatContentRange, resolvePage, resolveRangeStatus } from './range.ts'
import { assertSingleRow, buildExplain, createReadResponse, negotiateMedia } from './response.ts'
import {
  applyResponseSettings,
  readResponseSettings,
  type ResponseSettingsRow,
} from './response-settings.ts'
import { qualifiedKey, type Relation, type SchemaCache } from './schema-cache.ts'
import { quoteQualified } from './sql-fragments.ts'
import { buildReadQuery } from './sql-read.ts'

interface ReadRow extends ResponseSettingsRow {
  total_count: number | string | null
  page_total: number | string
  body: string
}

/** Answers a read of `rest.name` in `rest.schema`. */
export async function handleRead(rest: RestRequest): Promise<Response> {
  const { request, cache, schema, name } = rest
  const query = parseQueryParams(request.url.searchParams)
  const media = negotiateMedia(request.headers['accept'])
  const relation = findRelation(cache, schema, name)
  const countMode = readCountPreference(request.headers['prefer'])
  const page = resolvePage(request.headers['range'], query.root.limit, query.root.offset)

  const built = buildReadQuery({
    source: {
      from: quoteQualified(relation.schema, relation.name),
      alias: relation.name,
      relation,
    },
    query,
    cache,
    shouldCount: (countMode === 'exact' || countMode === 'estimated') && !media.plan,
    range: page,
    format: media.format,
    shouldStripNulls: media.shouldStripNulls,
  })

  if (media.plan) {
    const explain = buildExplain(built.sql, media.plan)
    const result = await rest.run((session) => session.query(explain, built.params))
    const plan =
      media.plan.format === 'json'
        ? JSON.stringify(Object.values(result.rows[0] ?? {})[0])
        : result.rows.map((row) => String(Object.values(row)[0])).join('\n')
    return createReadResponse(request.method, 200, plan, { 'content-type': media.contentType })
  }

  const { row, total } = await rest.run(async (session) => {
    const result = await session.query<ReadRow>(built.sql, built.params)
    const row = result.rows[0]
    const exact = row.total_count === null ? null : Number(row.total_count)
    const estimate = () => estimateRowCount(session, built)
    const total = countMode ? await resolveCount(countMode, exact, estimate) : null
    return { row, total }
  })
  // Read after the commit, as PostgREST builds its response (see response-settings.ts).
  const settings = readResponseSettings(row)
  const pageTotal = Number(row.page_total)
  if (media.format === 'single') assertSingleRow(pageTotal)

  const own: Record<string, string> = {
    'content-type': media.contentType,
    'content-range': formatContentRange(page.offset, pageTotal, total),
  }
  if (countMode) own['preference-applied'] = `count=${countMode}`
  const rangeStatus = resolveRangeStatus(page.offset, pageTotal, total)
  const { status, headers } = applyResponseSettings(rangeStatus, own, settings)
  return createReadResponse(request.method, status, row.body, headers)
}

/** The relation a path names, or PGRST205 with a "Perhaps you meant" hint for a typo. */
export function findRelation(cache: SchemaCache, schema: string, name: string): Relation {
  const relation = cache.relations.get(qualifiedKey(schema, name))
  if (relation) return relation

  const names = [...cache.relations.values()]
    .filter((candidate) => candidate.schema === schema)
    .map((candidate) => candidate.name)
  const closest = findClosestName(name, names)
  throw new RestError(
    404,
    'PGRST205',
    `Could not find the table '${schema}.${name}' in the schema cache`,
    null,
    closest ? `Perhaps you meant the table '${schema}.${closest}'` : null,
  )
}
