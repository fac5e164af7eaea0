/**
 * Plans a write on a relation from the request: which relation, which columns, how conflicts
 * resolve and what comes back. Mirrors the checks of PostgREST's `Plan/MutatePlan.hs` that a
 * client can observe (PGRST204 for an unknown column, the primary key as default conflict
 * target).
 */
import type { RestRequest } from './context.ts'
import { RestError } from './errors.ts'
import type { Preferences } from './preferences.ts'
import type { Relation } from './schema-cache.ts'
import type { QueryParams } from './query-ast.ts'
import { parseColumnsParam, type Payload } from './body.ts'
import {
  buildLimitedWhere,
  COLUMN_DEFAULTS_SQL,
  qualify,
  TARGET,
  type InsertPlan,
  type Returning,
} from './sql-mutate.ts'
import type { SqlSession } from '../db.ts'
import { buildWhere } from './sql-filter.ts'
import { renderField, type SqlParams } from './sql-fragments.ts'

/** Throws PGRST204 for the first key that is not a column of the relation. */
export function checkColumns(relation: Relation, keys: string[]): void {
  const known = new Set(relation.columns.map((column) => column.name))
  const unknown = keys.find((key) => !known.has(key))
  if (unknown === undefined) return
  throw new RestError(
    400,
    'PGRST204',
    `Could not find the '${unknown}' column of '${relation.name}' in the schema cache`,
  )
}

/** What the statement must hand back for the `return=` preference. */
export function planReturning(preferences: Preferences, method: string): Returning {
  if (preferences.return === 'representation') return 'rows'
  // Only an insert has a `Location` to give; elsewhere headers-only is as quiet as minimal.
  if (preferences.return === 'headers-only' && method === 'POST') return 'primary-key'
  return 'count'
}

/**
 * The conflict target of an upsert: `on_conflict=` or the primary key. Without either,
 * PostgREST ignores `resolution=` and the request is a plain insert.
 */
export function planOnConflict(
  rest: RestRequest,
  relation: Relation,
  preferences: Preferences,
): InsertPlan['onConflict'] {
  const param = rest.request.url.searchParams.get('on_conflict')
  const columns = param === null ? relation.primaryKey : parseColumnsParam(param)
  if (!preferences.resolution || columns.length === 0) return null
  return { columns, resolution: preferences.resolution }
}

/** Whether `resolution=` is honoured, and so echoed in `Preference-Applied`. */
export function hasConflictTarget(rest: RestRequest, relation: Relation): boolean {
  return relation.primaryKey.length > 0 || rest.request.url.searchParams.has('on_conflict')
}

/** The columns some row lacks: they need their default under `missing=default`. */
export function findMissingColumns(payload: Payload): string[] {
  return payload.keys.filter((key) => payload.rows.some((row) => !Object.hasOwn(row, key)))
}

/**
 * Checks a PUT the way PostgREST does: `eq` filters on exactly the primary key columns, no
 * limit or offset, and one object whose key values equal the filters'.
 */
export function checkPutRequest(relation: Relation, query: QueryParams, payload: Payload): void {
  const { conditions, limit, offset } = query.root
  if (limit !== null || offset !== null) {
    throw new RestError(
      400,
      'PGRST114',
      'limit/offset querystring parameters are not allowed for PUT',
    )
  }

  const filters = new Map<string, string>()
  for (const condition of conditions) {
    const isPlainEq =
      condition.kind === 'filter' &&
      condition.operation.operator === 'eq' &&
      !condition.operation.isNegated &&
      condition.operation.quantifier === null &&
      condition.field.jsonPath.length === 0
    if (!isPlainEq) throw invalidPutFilters()
    filters.set(condition.field.name, condition.operation.value)
  }
  const { primaryKey } = relation
  const isExactKey =
    primaryKey.length > 0 &&
    filters.size === primaryKey.length &&
    primaryKey.every((column) => filters.has(column))
  if (!isExactKey) throw invalidPutFilters()

  const [row] = payload.rows
  const matches =
    !payload.isArray &&
    primaryKey.every(
      (column) => row[column] !== undefined && String(row[column]) === filters.get(column),
    )
  if (!matches) {
    throw new RestError(400, 'PGRST115', 'Payload values do not match URL in primary key column(s)')
  }
}

function invalidPutFilters(): RestError {
  return new RestError(
    405,
    'PGRST105',
    "Filters must include all and only primary key columns with 'eq' operators",
  )
}

/**
 * The rows an update or delete reaches: the filters, narrowed by `limit`/`offset` in the
 * `order` asked for when there are any (PostgREST's limited update and delete).
 */
export function planMutationWhere(
  rest: RestRequest,
  relation: Relation,
  query: QueryParams,
  params: SqlParams,
): string | null {
  const where = buildWhere(query.root.conditions, { alias: TARGET, params })
  const { limit, offset, order } = query.root
  if (limit === null && offset === null) {
    if (where === null) throw requireWhereClause(rest.request.method)
    return where
  }

  // Not yet: limited writes to views and ordered by embedded resources; both answer 501.
  if (relation.kind !== 'table') throw rest.notYet('limit/offset on writes to a view')
  if (order.some((term) => term.relation !== null)) {
    throw rest.notYet('ordering a limited write by an embedded resource')
  }
  const orderBy = order.map((term) => {
    const direction = term.direction ? ` ${term.direction}` : ''
    const nulls = term.nulls ? ` nulls ${term.nulls}` : ''
    return `${renderField(TARGET, term.field, params)}${direction}${nulls}`
  })
  return buildLimitedWhere(relation, where, {
    orderBy: orderBy.length ? orderBy.join(', ') : null,
    limit: limit === null ? null : params.add(limit),
    offset: offset === null ? null : params.add(offset),
  })
}

// Supabase loads pg-safeupdate for API requests, so an update or delete without a filter
// is refused instead of changing every row of the table.
function requireWhereClause(method: string): RestError {
  const statement = method === 'DELETE' ? 'DELETE' : 'UPDATE'
  return new RestError(400, '21000', `${statement} requires a WHERE clause`)
}

/** The SQL default of each column, for rows that lack it under `missing=default`. */
export async function readDefaults(
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
