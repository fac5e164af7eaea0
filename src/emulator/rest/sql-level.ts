/**
 * One level of a read: the select list, lateral joins for its embeddings, its WHERE and its
 * ORDER BY, for the top relation or (recursively) an embedded one. Embeddings become lateral
 * subqueries aggregated with `json_agg` (to-many) or `row_to_json` (to-one), like PostgREST.
 */
import { isToOne, resolveRelationship, type Relationship } from './embed.ts'
import { RestError } from './errors.ts'
import { defaultFieldAlias } from './field-parser.ts'
import {
  createNodeModifiers,
  type ColumnItem,
  type Condition,
  type EmbedItem,
  type NodeModifiers,
  type SelectItem,
} from './query-ast.ts'
import type { Relation, SchemaCache } from './schema-cache.ts'
import { buildWhere } from './sql-filter.ts'
import { buildJoinCondition } from './sql-join.ts'
import { buildOrder } from './sql-order.ts'
import {
  makeAlias,
  quoteIdent,
  quoteQualified,
  renderField,
  type SqlParams,
} from './sql-fragments.ts'

export interface LevelContext {
  cache: SchemaCache
  params: SqlParams
  embedded: Map<string, NodeModifiers>
  /** Embedding paths met while building, to reject modifiers on paths never embedded. */
  usedPaths: Set<string>
  /** Numbers aliases so a table embedded twice (or in itself) stays distinct. */
  counter: number
  /** The name of top-level rows that are no relation's (a function's), for errors. */
  sourceName?: { schema: string; name: string }
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

/** An embedding of this level, by its name or alias: for related order and null filters. */
export interface EmbedJoin {
  relationship: Relationship
  lateral: string
}

/** Builds the pieces of one level; embeddings recurse into their own levels. */
export function buildSelectLevel(context: LevelContext, input: LevelInput): Level {
  const { alias, relation, select, modifiers, path, extraWhere } = input
  const level: Level = { columns: [], outputNames: [], joins: [], where: null, orderBy: null }
  const embedJoins = new Map<string, EmbedJoin>()

  for (const item of select) {
    if (item.kind === 'column') addColumn(context, level, alias, relation, item)
    else embedJoins.set(item.alias ?? item.relation, addEmbed(context, level, input, item))
  }

  const { own, onEmbeddings } = splitEmbeddingFilters(modifiers.conditions, embedJoins)
  const filters = buildWhere(own, { alias, params: context.params })
  const where = [...extraWhere, ...onEmbeddings, ...(filters ? [filters] : [])]
  level.where = where.length > 0 ? where.join(' and ') : null
  level.orderBy = buildOrder(context, { alias, relation, path }, modifiers.order, embedJoins)
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
  // `rel(count)` needs no special case: with no column named `count`, Postgres reads
  // `"rel_1"."count"` as `count("rel_1")`, the number of embedded rows, as on PostgREST.
  const value = renderField(alias, field, context.params)
  level.columns.push(`${cast ? `(${value})::${cast}` : value} as ${quoteIdent(name)}`)
  level.outputNames.push(name)
}

function addEmbed(
  context: LevelContext,
  level: Level,
  parent: LevelInput,
  item: EmbedItem,
): EmbedJoin {
  if (!parent.relation) throw noRelationship(context, item)
  const relationship = resolveRelationship(context.cache, parent.relation, item)
  const { target } = relationship
  const name = item.alias ?? item.relation
  const path = [...parent.path, name]
  const pathKey = path.join('.')
  context.usedPaths.add(pathKey)
  context.counter += 1
  const childAlias = makeAlias(target.name, context.counter)
  const lateral = makeAlias(`${parent.relation.name}_${name}`, context.counter)
  const modifiers = context.embedded.get(pathKey) ?? createNodeModifiers()

  const child = buildSelectLevel(context, {
    alias: childAlias,
    relation: target,
    select: item.select,
    modifiers,
    path,
    extraWhere: [buildJoinCondition(context, relationship, parent.alias, childAlias)],
  })
  const subquery = [
    `select ${child.columns.join(', ')}`,
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
    // A to-many spread also gathers each column into an array, as PostgREST 13 does.
    const spreadArrays = item.isSpread
      ? child.outputNames.map((column) => {
          const quoted = quoteIdent(column)
          return `, json_agg(_pgrst_e.${quoted}) as ${quoted}`
        })
      : []
    // json_agg over no rows is null: that is how `!inner` drops parents without matches.
    level.joins.push(
      `${isInner ? 'inner' : 'left'} join lateral (select json_agg(_pgrst_e) as _pgrst_rows` +
        `${spreadArrays.join('')} from (${subquery}) as _pgrst_e) as ${lateralSql} on ` +
        `${isInner ? `${lateralSql}._pgrst_rows is not null` : 'true'}`,
    )
  }

  if (item.isSpread) {
    for (const column of child.outputNames) {
      const value = `${lateralSql}.${quoteIdent(column)}`
      level.columns.push(toOne ? value : `coalesce(${value}, '[]') as ${quoteIdent(column)}`)
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
  return { relationship, lateral }
}

/**
 * `cities=not.is.null` on a parent keeps the rows that have (or lack) related rows: a filter on
 * the embedding itself, which accepts only `is null` and its negation (PGRST120 otherwise).
 */
function splitEmbeddingFilters(conditions: Condition[], embedJoins: Map<string, EmbedJoin>) {
  const own: Condition[] = []
  const onEmbeddings: string[] = []
  for (const condition of conditions) {
    const join =
      condition.kind === 'filter' && condition.field.jsonPath.length === 0
        ? embedJoins.get(condition.field.name)
        : undefined
    if (!join || condition.kind !== 'filter') {
      own.push(condition)
      continue
    }
    const { operator, value, isNegated } = condition.operation
    if (operator !== 'is' || !['null', 'not_null'].includes(value.toLowerCase())) {
      throw new RestError(
        400,
        'PGRST120',
        `Bad operator on the '${condition.field.name}' embedded resource`,
        'Only is null or not is null filters are allowed on embedded resources',
      )
    }
    const column = isToOne(join.relationship) ? '_pgrst_row' : '_pgrst_rows'
    const isNull = (value.toLowerCase() === 'null') !== isNegated
    onEmbeddings.push(`${quoteIdent(join.lateral)}.${column} is ${isNull ? '' : 'not '}null`)
  }
  return { own, onEmbeddings }
}

// Rows that are no relation's have nothing to embed from. PostgREST names them after the
// function that returned them and answers as it would for a table without relationships.
function noRelationship(context: LevelContext, item: EmbedItem): RestError {
  const { sourceName } = context
  if (!sourceName) {
    return new RestError(400, 'PGRST200', `Could not find a relationship for '${item.relation}'`)
  }
  const { schema, name } = sourceName
  return new RestError(
    400,
    'PGRST200',
    `Could not find a relationship between '${name}' and '${item.relation}' in the schema cache`,
    `Searched for a foreign key relationship between '${name}' and '${item.relation}' ` +
      `in the schema '${schema}', but no matches were found.`,
  )
}
