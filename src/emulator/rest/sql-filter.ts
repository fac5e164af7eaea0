/**
 * WHERE clauses from parsed filters and logic trees (PostgREST's `pgFmtLogicTree` and
 * `pgFmtFilter`). Every value is a `$n` parameter; Postgres infers its type from the column,
 * so `id=eq.abc` fails with 22P02 on an integer column, as it does on PostgREST.
 */
import type { Condition, FilterNode, Operator } from './query-ast.ts'
import { renderField, type SqlParams } from './sql-fragments.ts'

const BINARY: Partial<Record<Operator, string>> = {
  eq: '=',
  neq: '<>',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  like: 'like',
  ilike: 'ilike',
  match: '~',
  imatch: '~*',
  cs: '@>',
  cd: '<@',
  ov: '&&',
  sl: '<<',
  sr: '>>',
  // "not extending to the left/right of", so `nxl` is `&>` and `nxr` is `&<`.
  nxl: '&>',
  nxr: '&<',
  adj: '-|-',
}

const TEXT_SEARCH: Partial<Record<Operator, string>> = {
  fts: 'to_tsquery',
  plfts: 'plainto_tsquery',
  phfts: 'phraseto_tsquery',
  wfts: 'websearch_to_tsquery',
}

const IS_KEYWORDS: Record<string, string> = {
  null: 'is null',
  not_null: 'is not null',
  true: 'is true',
  false: 'is false',
  unknown: 'is unknown',
}

export interface WhereContext {
  /** The alias (or table name) the filtered columns are qualified with. */
  alias: string
  params: SqlParams
}

/** ANDs the conditions into one SQL expression, or returns null when there are none. */
export function buildWhere(conditions: Condition[], context: WhereContext): string | null {
  if (conditions.length === 0) return null
  return conditions.map((condition) => buildCondition(condition, context)).join(' and ')
}

/** One filter or logic tree as a parenthesised SQL expression. */
export function buildCondition(condition: Condition, context: WhereContext): string {
  if (condition.kind === 'filter') return buildFilter(condition, context)

  const joiner = condition.operator === 'and' ? ' and ' : ' or '
  const body = condition.children.map((child) => buildCondition(child, context)).join(joiner)
  return condition.isNegated ? `not (${body})` : `(${body})`
}

function buildFilter({ field, operation }: FilterNode, { alias, params }: WhereContext): string {
  const { operator, isNegated, quantifier, language, value, list } = operation
  const column = renderField(alias, field, params)
  const expression = (() => {
    if (operator === 'is') return `${column} ${IS_KEYWORDS[value.toLowerCase()]}`
    if (operator === 'isdistinct') return `${column} is distinct from ${params.add(value)}`
    if (operator === 'in') {
      // `in.()` matches nothing, as `= any('{}')` does on PostgREST.
      if (!list || list.length === 0) return 'false'
      // One array value, as PostgREST binds it: a parameter per item would stop at the 65535
      // a Bind message can count.
      return `${column} = any(${params.add(toArrayLiteral(list))})`
    }
    const search = TEXT_SEARCH[operator]
    if (search) {
      const config = language === null ? '' : `${params.add(language)}::regconfig, `
      return `${column} @@ ${search}(${config}${params.add(value)})`
    }

    // PostgREST lets `*` stand for `%` in like patterns, since `%` must be escaped in URLs.
    const isLike = operator === 'like' || operator === 'ilike'
    const bound = params.add(isLike ? value.replace(/\*/g, '%') : value)
    const sqlOperator = BINARY[operator] as string
    return quantifier
      ? `${column} ${sqlOperator} ${quantifier}(${bound})`
      : `${column} ${sqlOperator} ${bound}`
  })()
  return isNegated ? `not (${expression})` : `(${expression})`
}

// A Postgres array literal with every item double-quoted (`\` and `"` escaped), so commas,
// braces and `NULL` inside an item stay text.
function toArrayLiteral(items: string[]): string {
  const quoted = items.map((item) => `"${item.replace(/[\\"]/g, '\\$&')}"`)
  return `{${quoted.join(',')}}`
}
