/**
 * SQL for INSERT (and upsert), UPDATE and DELETE, shaped like PostgREST's: the whole body is
 * bound as ONE json parameter and turned into typed rows by `json_populate_record(set)` on the
 * target table's row type, so no value is ever spliced into the SQL text. Identifiers come
 * from the schema cache and are always quoted.
 */
import type { Relation } from './schema-cache.ts'
import { quoteIdent, quoteQualified } from './sql-fragments.ts'

/** The name the mutated table goes by inside the statement. */
export const TARGET = 'pgrst_target'
/** The CTE holding the mutated rows, with exactly the table's columns, for `?select=`. */
export const SOURCE = 'pgrst_source'
/** The CTE holding what RETURNING gave. */
export const MUTATION = 'pgrst_mutation'

/** What a mutation hands back: every row (for a body), the key only, or just a count. */
export type Returning = 'rows' | 'primary-key' | 'count'

export interface InsertPlan {
  relation: Relation
  /** Columns written, in payload order; already checked against the relation. */
  columns: string[]
  /** Column → SQL default expression, for rows that lack the key under `missing=default`. */
  defaults: Map<string, string> | null
  onConflict: { columns: string[]; resolution: 'merge-duplicates' | 'ignore-duplicates' } | null
  returning: Returning
}

export interface UpdatePlan {
  relation: Relation
  columns: string[]
  /** A boolean SQL condition on `pgrst_target` (from the request's filters), or null. */
  where: string | null
  returning: Returning
}

export interface DeletePlan {
  relation: Relation
  where: string | null
  returning: Returning
}

/** Quotes a string literal for SQL, doubling embedded single quotes. */
export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`
}

/** `"schema"."name"` of a relation. */
export function qualify(relation: { schema: string; name: string }): string {
  return quoteQualified(relation.schema, relation.name)
}

/**
 * The INSERT as a `pgrst_mutation` CTE; `$1` is the json array of rows. Upserts add
 * `pgrst_inserted`, true for rows that were new rather than merged into an existing one.
 */
export function buildInsertCte(plan: InsertPlan): string {
  const { relation, columns, defaults, onConflict, returning } = plan
  const table = qualify(relation)
  const columnList = columns.map(quoteIdent).join(', ')
  const isMerge = onConflict?.resolution === 'merge-duplicates'

  // Rows that lack a key get that column's default instead of NULL (Prefer: missing=default).
  const values = columns.map((column) => {
    const value = `pgrst_row.${quoteIdent(column)}`
    const fallback = defaults?.get(column)
    if (!fallback) return value
    return `case when pgrst_element.value::jsonb ? ${quoteLiteral(column)} then ${value} else ${fallback} end`
  })
  const rows = defaults
    ? `json_array_elements($1::json) as pgrst_element(value),
    json_populate_record(null::${table}, pgrst_element.value) as pgrst_row`
    : `json_populate_recordset(null::${table}, $1::json) as pgrst_row`
  // An empty column list would be `insert into t () select`, which is not SQL: a row of defaults.
  const insert = columns.length
    ? `insert into ${table} as ${TARGET} (${columnList})
  select ${values.join(', ')}
  from ${rows}`
    : `insert into ${table} as ${TARGET}
  select from ${rows}`

  return `${MUTATION} as (
  ${insert}${formatOnConflict(onConflict, columns)}
  ${formatReturning(relation, returning, isMerge)}
)`
}

function formatOnConflict(onConflict: InsertPlan['onConflict'], columns: string[]): string {
  if (!onConflict) return ''
  const target = `(${onConflict.columns.map(quoteIdent).join(', ')})`
  if (onConflict.resolution === 'ignore-duplicates' || columns.length === 0) {
    return `\n  on conflict ${target} do nothing`
  }
  const assignments = columns.map(
    (column) => `${quoteIdent(column)} = excluded.${quoteIdent(column)}`,
  )
  return `\n  on conflict ${target} do update set ${assignments.join(', ')}`
}

/** The UPDATE as a `pgrst_mutation` CTE; `$1` is the json object of new values. */
export function buildUpdateCte(plan: UpdatePlan): string {
  const { relation, columns, where, returning } = plan
  const table = qualify(relation)
  if (columns.length === 0) {
    // Nothing to set: PostgREST changes no row, so select none in the same shape.
    const list = formatReturning(relation, returning, false).replace(/^returning /, '')
    // The body and the filters stay in the SQL so that every bound parameter is used.
    return `${MUTATION} as (
  select ${list} from ${table} as ${TARGET}, json_populate_record(null::${table}, $1::json)
  where false${where ? ` and (${where})` : ''}
)`
  }
  const assignments = columns.map(
    (column) => `${quoteIdent(column)} = pgrst_body.${quoteIdent(column)}`,
  )
  return `${MUTATION} as (
  update ${table} as ${TARGET} set ${assignments.join(', ')}
  from json_populate_record(null::${table}, $1::json) as pgrst_body
  ${where ? `where ${where}` : ''}
  ${formatReturning(relation, returning, false)}
)`
}

/** The DELETE as a `pgrst_mutation` CTE. */
export function buildDeleteCte(plan: DeletePlan): string {
  const { relation, where, returning } = plan
  return `${MUTATION} as (
  delete from ${qualify(relation)} as ${TARGET}
  ${where ? `where ${where}` : ''}
  ${formatReturning(relation, returning, false)}
)`
}

// `returning 1` reads no column, so (as in PostgREST) return=minimal needs no SELECT policy.
function formatReturning(relation: Relation, returning: Returning, isMerge: boolean): string {
  const inserted = isMerge ? [`(${TARGET}.xmax = 0) as pgrst_inserted`] : []
  const columns =
    returning === 'rows'
      ? [`${TARGET}.*`]
      : returning === 'primary-key'
        ? relation.primaryKey.map((column) => `${TARGET}.${quoteIdent(column)}`)
        : []
  const list = [...columns, ...inserted]
  return `returning ${list.length ? list.join(', ') : '1'}`
}

/** `pgrst_source`: the mutated rows with exactly the table's columns, for the read builder. */
export function buildSourceCte(relation: Relation): string {
  const columns = relation.columns.map((column) => quoteIdent(column.name)).join(', ')
  return `${SOURCE} as (select ${columns} from ${MUTATION})`
}

/** Reads the SQL default of each column (identity columns draw from their sequence). */
export const COLUMN_DEFAULTS_SQL = `
select a.attname as name,
  case when a.attidentity <> ''
    then format('nextval(%L::regclass)', pg_get_serial_sequence($1, a.attname))
    else pg_get_expr(d.adbin, d.adrelid)
  end as expression
from pg_attribute a
left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
where a.attrelid = $1::regclass and a.attnum > 0 and not a.attisdropped
  and a.attname = any($2) and a.attgenerated = ''
  and (d.adbin is not null or a.attidentity <> '')`

export interface RowLimit {
  /** `ORDER BY` terms over `pgrst_target`, or null. */
  orderBy: string | null
  /** Placeholders (`$n`) of the bound limit and offset, or null. */
  limit: string | null
  offset: string | null
}

/**
 * The WHERE of an update or delete limited to some rows (`limit`, `offset`, `order`): the rows
 * are picked by a subquery over the same filters and matched back by `ctid`, so only tables
 * (not views) can be limited, as in PostgREST.
 */
export function buildLimitedWhere(
  relation: Relation,
  where: string | null,
  limit: RowLimit,
): string {
  const picked = [
    `select ${TARGET}.ctid from ${qualify(relation)} as ${TARGET}`,
    where ? `where ${where}` : '',
    limit.orderBy ? `order by ${limit.orderBy}` : '',
    limit.limit ? `limit ${limit.limit}` : '',
    limit.offset ? `offset ${limit.offset}` : '',
  ]
  return `${TARGET}.ctid = any(array(${picked.filter(Boolean).join(' ')}))`
}

/** The text of an EXPLAIN result: the JSON document, or the plan's lines. */
export function formatPlan(rows: Record<string, unknown>[], format: 'text' | 'json'): string {
  const values = rows.map((row) => Object.values(row)[0])
  return format === 'json' ? JSON.stringify(values[0]) : values.map(String).join('\n')
}
