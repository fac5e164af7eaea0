/**
 * The read query (PostgREST's `readPlanToQuery` + `mainRead`): one statement that returns the
 * total count (when asked), the number of rows in the page and the body as JSON text built by
 * Postgres itself, so numbers, timestamps and key order are exactly Postgres's JSON.
 *
 * Exports: `buildReadQuery(input)` for reads, `return=representation` and set-returning
 * functions. A write puts its rows in a CTE and reads them back through the same builder:
 *
 *   const params = new SqlParams(insertParams)   // continues after the INSERT's own $n
 *   const read = buildReadQuery({
 *     source: { from: 'pgrst_source', alias: 'pgrst_source', relation }, query, cache, params,
 *   })
 *   sql = `with pgrst_source as (insert ... returning *) ${read.sql}`
 */
import type { NodeModifiers, QueryParams } from './query-ast.ts'
import type { Relation, SchemaCache } from './schema-cache.ts'
import { buildSelectLevel, type LevelContext } from './sql-level.ts'
import { notEmbedded } from './sql-order.ts'
import { RESPONSE_SETTING_COLUMNS } from './response-settings.ts'
import { quoteIdent, SqlParams } from './sql-fragments.ts'

/** Where the rows come from. */
export interface ReadSource {
  /** The FROM item: `"public"."countries"`, `pgrst_source`, `"public"."fn"($1)`. */
  from: string
  /** What columns are qualified with: the table name, the CTE name, an alias. */
  alias: string
  /** The relation the rows are rows of; embeddings and `*` spreads need it. */
  relation: Relation | null
  /** What errors call rows that are no relation's: a function, as PostgREST names them. */
  name?: { schema: string; name: string }
}

export type BodyFormat = 'json' | 'single' | 'csv'

export interface ReadQueryInput {
  source: ReadSource
  query: Pick<QueryParams, 'select' | 'root' | 'embedded'>
  cache: SchemaCache
  /** Share with the caller when the source itself binds parameters (e.g. rpc arguments). */
  params?: SqlParams
  /** Count every row the filters match (`Prefer: count=exact`). */
  shouldCount?: boolean
  /** The page, when the Range header narrowed `limit`/`offset`; defaults to the query's own. */
  range?: { offset: number; limit: number | null }
  format?: BodyFormat
  /** `Accept: ...;nulls=stripped`: drop null-valued keys from objects. */
  shouldStripNulls?: boolean
}

export interface ReadQuery {
  /** Returns one row: `total_count` (null unless counted), `page_total`, `body` (text). */
  sql: string
  params: unknown[]
  /** Every row the filters keep, unpaged: what `count=planned` asks the planner to estimate. */
  unpaged: { sql: string; params: unknown[] }
}

/** Builds the parameterised read statement for a source, select tree and modifiers. */
export function buildReadQuery(input: ReadQueryInput): ReadQuery {
  const { source, query, cache, shouldCount = false, format = 'json' } = input
  const params = input.params ?? new SqlParams()
  const usedPaths = new Set<string>()
  const context: LevelContext = {
    cache,
    params,
    embedded: query.embedded,
    usedPaths,
    counter: 0,
    sourceName: source.name,
  }

  const root: NodeModifiers = input.range
    ? { ...query.root, offset: input.range.offset, limit: input.range.limit }
    : query.root
  const level = buildSelectLevel(context, {
    alias: source.alias,
    relation: source.relation,
    select: query.select,
    modifiers: root,
    path: [],
    extraWhere: [],
  })
  assertPathsEmbedded(query.embedded, usedPaths)

  const from =
    source.from === quoteIdent(source.alias)
      ? source.from
      : `${source.from} as ${quoteIdent(source.alias)}`
  const core = [`from ${from}`, ...level.joins, level.where ? `where ${level.where}` : '']
    .filter(Boolean)
    .join(' ')
  const unpaged = { sql: `select 1 ${core}`, params: [...params.values] }
  const page = [
    `select ${level.columns.join(', ')} ${core}`,
    level.orderBy ? `order by ${level.orderBy}` : '',
    root.limit !== null ? `limit ${params.add(root.limit)}` : '',
    root.offset ? `offset ${params.add(root.offset)}` : '',
  ]
    .filter(Boolean)
    .join(' ')
  const count = shouldCount ? `(select pg_catalog.count(*) ${core})` : 'null::bigint'

  const sql =
    `select ${count} as total_count, pg_catalog.count(_pgrst_t) as page_total, ` +
    `${buildBody(format, input.shouldStripNulls ?? false)} as body, ${RESPONSE_SETTING_COLUMNS} ` +
    `from (${page}) as _pgrst_t`
  return { sql, params: params.values, unpaged }
}

function buildBody(format: BodyFormat, shouldStripNulls: boolean): string {
  const row = shouldStripNulls ? 'json_strip_nulls(row_to_json(_pgrst_t))' : '_pgrst_t'
  if (format === 'single') return `coalesce((json_agg(${row}) -> 0)::text, 'null')`
  if (format === 'json') return `coalesce(json_agg(${row}), '[]')::text`

  // CSV: the keys of the first row as header, then each record's text form without its
  // parentheses, which is Postgres's own CSV-like quoting (PostgREST does the same).
  const header =
    `coalesce((select string_agg(k, ',') from ` +
    `json_object_keys((array_agg(row_to_json(_pgrst_t)))[1]) as k), '')`
  const rows = `string_agg(substring(_pgrst_t::text, 2, length(_pgrst_t::text) - 2), chr(10))`
  return `${header} || chr(10) || coalesce(${rows}, '')`
}

/** Filters or modifiers on a path that is not embedded fail like PostgREST's PGRST108. */
function assertPathsEmbedded(embedded: Map<string, NodeModifiers>, usedPaths: Set<string>): void {
  for (const path of embedded.keys()) {
    if (!usedPaths.has(path)) throw notEmbedded(path.split('.').at(-1) ?? path)
  }
}
