/** The condition that ties an embedded row to its parent row, directly or via a join table. */
import type { Relationship } from './embed.ts'
import { makeAlias, quoteIdent, quoteQualified } from './sql-fragments.ts'
import type { LevelContext } from './sql-level.ts'

/** How a target row meets its parent row: equal key columns, or through the join table. */
export function buildJoinCondition(
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
  const join = quoteIdent(makeAlias(junction.relation.name, context.counter))
  const conditions = [
    ...junction.toParent.map(
      ({ left, right }) => `${join}.${quoteIdent(right)} = ${parent}.${quoteIdent(left)}`,
    ),
    ...junction.toTarget.map(
      ({ left, right }) => `${join}.${quoteIdent(right)} = ${child}.${quoteIdent(left)}`,
    ),
  ]
  const table = quoteQualified(junction.relation.schema, junction.relation.name)
  return `exists (select 1 from ${table} as ${join} where ${conditions.join(' and ')})`
}
