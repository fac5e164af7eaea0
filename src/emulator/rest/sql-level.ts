/**
 * One level of a read: the select list, lateral joins for its embeddings, its WHERE and its
 * ORDER BY, for the top relation or (recursively) an embedded one. Embeddings become lateral
 * subqueries aggregated with `json_agg` (to-many) or `row_to_json` (to-one), like PostgREST.
 */
import { isToOne, resolveRelationship, type Relationship } from './embed.ts'
import { notYet, RestError } from './errors.ts'
import { defaultFieldAlias } from './field-parser.ts'
import type {
  ColumnItem,
  EmbedItem,
  FieldRef,
  NodeModifiers,
  OrderTerm,
  SelectItem,
} from './query-ast.ts'
import type { Relation, SchemaCache } from './schema-cache.ts'
import { buildWhere } from './sql-filter.ts'
import { quoteIdent, quoteQualified, renderField, type SqlParams } from './sql-fragments.ts'

export interface LevelContext {
  cache: SchemaCache
  params: SqlParams
  embedded: Map<string, NodeModifiers>
  /** Embedding paths met while building, to reject modifiers on paths never embedded. */
  usedPaths: Set<string>
  /** Numbers aliases so a table embedded twice (or in itself) stays distinct. */
  counter: number
}

export interface LevelInput {
  alias: string
  relation: Relation | null
  select: SelectItem[]
  modifiers: NodeModifiers
  /** Names or aliases of the embeddings leading here; empty for the top relation. */
  path: string[]
  /** Join conditions to the parent, ANDed with the level's own filters. */
  extraWhere: string[]
}

export interface Level {
  columns: string[]
  /** The keys each row will have, in order (needed to spread a to-one embedding). */
  outputNames: string[]
  joins: string[]
  where: string | null
  orderBy: string | null
}

interface EmbedJoin {
  relationship: Relationship
}

/** Builds the pieces of one level; embeddings recurse into their own levels. */
export function buildSelectLevel(context: LevelContext, input: LevelInput): Level {
  const { alias, relation, select, modifiers, path, extraWhere } = input
  const level: Level = { columns: [], outputNames: [], joins: [], where: null, orderBy: null }
  const embedJoins = new Map<string, EmbedJoin>()

  for (const item of select) {
    if (item.kind === 'column') addColumn(context, level, alias, relation, item)
    else if (item.kind === 'count') addCount(level, item.alias, select.length)
    else embedJoins.set(item.alias ?? item.relation, addEmbed(context, level, input, item))
  }

  const filters = buildWhere(modifiers.conditions, { alias, params: context.params })
  const where = [...extraWhere, ...(filters ? [filters] : [])]
  level.where = where.length > 0 ? where.join(' and ') : null
  level.orderBy = buildOrder(context, alias, modifiers.order, embedJoins, path)
  return level
}

function addColumn(
  context: LevelContext,
  level: Level,
  alias: string,
  relation: Relation | null,
  item: ColumnItem,
): void {
  const { field, cast } = item
  if (field.name === '*') {
    level.columns.push(`${quoteIdent(alias)}.*`)
    level.outputNames.push(...(relation?.columns.map((column) => column.name) ?? []))
    return
  }
  const name = item.alias ?? defaultFieldAlias(field)
  const value = renderField(alias, field, context.params)
  level.columns.push(`${cast ? `(${value})::${cast}` : value} as ${quoteIdent(name)}`)
  level.outputNames.push(name)
}

function addCount(level: Level, alias: string | null, itemCount: number): void {
  // Not yet: aggregates next to other columns (PostgREST's `count()` with GROUP BY); only a
  // lone `rel(count)` is answered, other mixes get a 501.
  if (itemCount > 1) throw notYet('count() next to other columns')
  const name = alias ?? 'count'
  level.columns.push(`pg_catalog.count(*) as ${quoteIdent(name)}`)
  level.outputNames.push(name)
}

function addEmbed(
  context: LevelContext,
  level: Level,
  parent: LevelInput,
  item: EmbedItem,
): EmbedJoin {
  if (!parent.relation) {
    throw new RestError(400, 'PGRST200', `Could not find a relationship for '${item.relation}'`)
  }
  const relationship = resolveRelationship(context.cache, parent.relation, item)
  const { target } = relationship
  const name = item.alias ?? item.relation
  const path = [...parent.path, name]
  const pathKey = path.join('.')
  context.usedPaths.add(pathKey)
  context.counter += 1
  const childAlias = `${target.name}_${context.counter}`
  const lateral = `${parent.relation.name}_${name}_${context.counter}`
  const modifiers = context.embedded.get(pathKey) ?? { conditions: [], order: [], limit: null, offset: null }

  const child = buildSelectLevel(context, {
    alias: childAlias,
    relation: target,
    select: item.select,
    modifiers,
    path,
    extraWhere: [buildJoinCondition(context, relationship, parent.alias, childAlias)],
  })
  const subquery = [
    `select ${child.columns.join(', ') || 'null'}`,
    `from ${quoteQualified(target.schema, target.name)} as ${quoteIdent(childAlias)}`,
    ...child.joins,
    child.where ? `where ${child.where}` : '',
    child.orderBy ? `order by ${child.orderBy}` : '',
    modifiers.limit !== null ? `limit ${context.params.add(modifiers.limit)}` : '',
    modifiers.offset ? `offset ${context.params.add(modifiers.offset)}` : '',
  ]
    .filter(Boolean)
    .join(' ')

  const toOne = isToOne(relationship)
  const isInner = item.joinType === 'inner'
  const lateralSql = quoteIdent(lateral)
  if (toOne) {
    level.joins.push(
      `${isInner ? 'inner' : 'left'} join lateral (select _pgrst_e.*, row_to_json(_pgrst_e) as ` +
        `_pgrst_row from (${subquery}) as _pgrst_e) as ${lateralSql} on true`,
    )
  } else {
    // json_agg over no rows is null: that is how `!inner` drops parents without matches.
    level.joins.push(
      `${isInner ? 'inner' : 'left'} join lateral (select json_agg(_pgrst_e) as _pgrst_rows ` +
        `from (${subquery}) as _pgrst_e) as ${lateralSql} on ` +
        `${isInner ? `${lateralSql}._pgrst_rows is not null` : 'true'}`,
    )
  }

  if (item.isSpread) {
    // Not yet: spreading a to-many embedding (PostgREST 13 aggregates each column to an array).
    if (!toOne) throw notYet('spreading a to-many embedding')
    for (const column of child.outputNames) {
      level.columns.push(`${lateralSql}.${quoteIdent(column)}`)
      level.outputNames.push(column)
    }
  } else if (item.select.length > 0) {
    level.columns.push(
      toOne
        ? `${lateralSql}._pgrst_row as ${quoteIdent(name)}`
        : `coalesce(${lateralSql}._pgrst_rows, '[]') as ${quoteIdent(name)}`,
    )
    level.outputNames.push(name)
  }
  return { relationship }
}

/** How a target row meets its parent row: equal key columns, or through the join table. */
function buildJoinCondition(
  context: LevelContext,
  relationship: Relationship,
  parentAlias: string,
  childAlias: string,
): string {
  const parent = quoteIdent(parentAlias)
  const child = quoteIdent(childAlias)
  const { junction } = relationship
  if (!junction) {
    return relationship.pairs
      .map(({ left, right }) => `${child}.${quoteIdent(right)} = ${parent}.${quoteIdent(left)}`)
      .join(' and ')
  }

  context.counter += 1
  const join = quoteIdent(`${junction.relation.name}_${context.counter}`)
  const conditions = [
    ...junction.toParent.map(({ left, right }) => `${join}.${quoteIdent(right)} = ${parent}.${quoteIdent(left)}`),
    ...junction.toTarget.map(({ left, right }) => `${join}.${quoteIdent(right)} = ${child}.${quoteIdent(left)}`),
  ]
  const table = quoteQualified(junction.relation.schema, junction.relation.name)
  return `exists (select 1 from ${table} as ${join} where ${conditions.join(' and ')})`
}

function buildOrder(
  context: LevelContext,
  alias: string,
  terms: OrderTerm[],
  embedJoins: Map<string, EmbedJoin>,
  path: string[],
): string | null {
  if (terms.length === 0) return null
  return terms
    .map(({ relation, field, direction, nulls }) => {
      let column: string
      if (relation === null) {
        column = renderField(alias, field, context.params)
      } else {
        const join = embedJoins.get(relation)
        if (!join || !isToOne(join.relationship)) throw relatedOrderError(relation, path)
        column = buildRelatedColumn(context, join.relationship, alias, field)
      }
      const suffix = [direction, nulls ? `nulls ${nulls}` : null].filter(Boolean).join(' ')
      return suffix ? `${column} ${suffix}` : column
    })
    .join(', ')
}

/**
 * A column of the one row a to-one embedding points at, as a scalar subquery. It reads the
 * table itself, so `order=rel(col)` works whatever the embedding selected or renamed.
 */
function buildRelatedColumn(
  context: LevelContext,
  relationship: Relationship,
  parentAlias: string,
  field: FieldRef,
): string {
  const { target } = relationship
  context.counter += 1
  const alias = `${target.name}_${context.counter}`
  const join = buildJoinCondition(context, relationship, parentAlias, alias)
  const column = renderField(alias, field, context.params)
  const table = quoteQualified(target.schema, target.name)
  return `(select ${column} from ${table} as ${quoteIdent(alias)} where ${join})`
}

function relatedOrderError(relation: string, path: string[]): RestError {
  const where = path.length > 0 ? path.join('.') : 'the request'
  return new RestError(
    400,
    'PGRST118',
    `A related order on '${relation}' is not possible`,
    `'${relation}' must be a to-one embedded resource of ${where}`,
    `Verify that '${relation}' is included in the 'select' query parameter.`,
  )
}
