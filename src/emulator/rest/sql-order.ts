/**
 * ORDER BY for one level: its own columns and JSON paths, and `rel(col)` terms that order by a
 * column of a to-one embedding (PostgREST's related order).
 */
import { isToOne, type Relationship } from './embed.ts'
import { RestError } from './errors.ts'
import type { FieldRef, OrderTerm } from './query-ast.ts'
import type { Relation } from './schema-cache.ts'
import { makeAlias, quoteIdent, quoteQualified, renderField } from './sql-fragments.ts'
import { buildJoinCondition } from './sql-join.ts'
import type { EmbedJoin, LevelContext } from './sql-level.ts'

interface OrderLevel {
  alias: string
  relation: Relation | null
  path: string[]
}

/** The ORDER BY list of a level, or null when it has no order. */
export function buildOrder(
  context: LevelContext,
  level: OrderLevel,
  terms: OrderTerm[],
  embedJoins: Map<string, EmbedJoin>,
): string | null {
  const { alias } = level
  if (terms.length === 0) return null
  return terms
    .map(({ relation, field, direction, nulls }) => {
      let column: string
      if (relation === null) {
        column = renderField(alias, field, context.params)
      } else {
        const join = embedJoins.get(relation)
        if (!join) throw notEmbedded(relation)
        if (!isToOne(join.relationship)) throw relatedOrderError(level, relation)
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
  const alias = makeAlias(target.name, context.counter)
  const join = buildJoinCondition(context, relationship, parentAlias, alias)
  const column = renderField(alias, field, context.params)
  const table = quoteQualified(target.schema, target.name)
  return `(select ${column} from ${table} as ${quoteIdent(alias)} where ${join})`
}

/** PGRST108: a modifier names a resource the select does not embed. */
export function notEmbedded(relation: string): RestError {
  return new RestError(
    400,
    'PGRST108',
    `'${relation}' is not an embedded resource in this request`,
    null,
    `Verify that '${relation}' is included in the 'select' query parameter.`,
  )
}

function relatedOrderError(level: OrderLevel, relation: string): RestError {
  const origin = level.relation?.name ?? level.alias
  return new RestError(
    400,
    'PGRST118',
    `A related order on '${relation}' is not possible`,
    `'${origin}' and '${relation}' do not form a many-to-one or one-to-one relationship`,
  )
}
