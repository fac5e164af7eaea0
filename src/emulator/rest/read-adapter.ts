/**
 * What the write path and rpc borrow from the read side: the WHERE condition of a request's
 * filters and the `?select=` projection of a set of rows into a JSON body. A small stand-in
 * until the read builders are wired in here; every value is bound as a parameter.
 */
import type { RestRequest } from './context.ts'
import { RestError } from './errors.ts'
import { quoteIdent, quoteLiteral } from './sql-mutate.ts'

export interface SqlFragment {
  sql: string
  params: unknown[]
}

// Query parameters that are never filters (PostgREST's reserved names).
const RESERVED = new Set(['select', 'columns', 'on_conflict', 'order', 'limit', 'offset'])

const COMPARISONS: Record<string, string> = {
  eq: '=',
  neq: '<>',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  like: 'like',
  ilike: 'ilike',
}

/** Whether a query parameter is a filter (`id=eq.1`) rather than an rpc argument or modifier. */
export function isFilterParam(name: string, value: string): boolean {
  if (RESERVED.has(name) || name === 'and' || name === 'or') return false
  if (name.includes('.')) return true
  return /^(not\.)?(eq|neq|gt|gte|lt|lte|like|ilike|match|imatch|is|isdistinct|in|cs|cd|ov|sl|sr|nxl|nxr|adj|fts|plfts|phfts|wfts)[.(]/.test(
    value,
  )
}

/**
 * The AND of the request's top-level filters on `alias`, with parameters numbered from
 * `firstParam`; null when there are none. `skip` names parameters that are not filters.
 */
export function buildFilterCondition(
  rest: RestRequest,
  alias: string,
  firstParam: number,
  skip: Set<string> = new Set(),
): SqlFragment | null {
  const parts: string[] = []
  const params: unknown[] = []
  for (const [name, value] of rest.request.url.searchParams) {
    if (skip.has(name) || !isFilterParam(name, value)) continue
    const bind = (param: unknown) => {
      params.push(param)
      return `$${firstParam + params.length - 1}`
    }
    parts.push(buildFilter(`${alias}.${quoteIdent(name)}`, value, bind))
  }
  return parts.length ? { sql: parts.join(' and '), params } : null
}

function buildFilter(column: string, value: string, bind: (param: unknown) => string): string {
  const match = /^(not\.)?([a-z]+)\.(.*)$/s.exec(value)
  if (!match) throw notYetFilter(value)
  const [, negation, operator, operand] = match
  const condition = buildOperation(column, operator, operand, bind)
  return negation ? `not (${condition})` : condition
}

function buildOperation(
  column: string,
  operator: string,
  operand: string,
  bind: (param: unknown) => string,
): string {
  if (operator in COMPARISONS) {
    const pattern = operator.endsWith('like') ? operand.replaceAll('*', '%') : operand
    return `${column} ${COMPARISONS[operator]} ${bind(pattern)}`
  }
  if (operator === 'is') {
    const isValues: Record<string, string> = { null: 'null', true: 'true', false: 'false' }
    if (!(operand in isValues)) throw notYetFilter(`is.${operand}`)
    return `${column} is ${isValues[operand]}`
  }
  if (operator === 'in') {
    const list = /^\((.*)\)$/s.exec(operand)
    if (!list) throw notYetFilter(`in.${operand}`)
    const items = list[1] === '' ? [] : splitList(list[1])
    return `${column} = any(${bind(items)})`
  }
  throw notYetFilter(`${operator}.${operand}`)
}

// `in.(a,"b,c")`: commas split items unless inside double quotes.
function splitList(text: string): string[] {
  const items: string[] = []
  const pattern = /\s*(?:"((?:[^"\\]|\\.)*)"|([^,]*?))\s*(?:,|$)/y
  let index = 0
  while (index <= text.length) {
    pattern.lastIndex = index
    const match = pattern.exec(text)
    if (!match) break
    items.push(match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2])
    if (pattern.lastIndex === index || pattern.lastIndex >= text.length) break
    index = pattern.lastIndex
  }
  return items
}

function notYetFilter(value: string): RestError {
  return new RestError(
    501,
    'SBX01',
    `Sandbase does not emulate the filter "${value}" on writes and rpc yet`,
    null,
    'This is a gap in the in-page emulator, not an error a real Supabase project would give.',
  )
}

/**
 * A scalar subquery giving the JSON text of `source`'s rows projected by `?select=`.
 * `isSingle` gives one object (or null) instead of an array.
 */
export function buildRepresentation(rest: RestRequest, source: string): SqlFragment {
  const select = rest.request.url.searchParams.get('select')
  const items = parseFlatSelect(select ?? '*')
  if (!items) throw rest.notYet(`?select=${select} (embedding or casts) on writes and rpc`)
  const row = items.some((item) => item.column === '*')
    ? 'pgrst_row'
    : `json_build_object(${items
        .map(
          (item) =>
            `${quoteLiteral(item.alias ?? item.column)}, pgrst_row.${quoteIdent(item.column)}`,
        )
        .join(', ')})`
  return {
    sql: `(select coalesce(json_agg(${row}), '[]')::text from ${source} as pgrst_row)`,
    params: [],
  }
}

function parseFlatSelect(select: string): { column: string; alias: string | null }[] | null {
  const items: { column: string; alias: string | null }[] = []
  for (const part of select.split(',').map((item) => item.trim())) {
    const match = /^(?:([\p{L}\p{N}_ $-]+):)?([\p{L}\p{N}_ $-]+|\*)$/u.exec(part)
    if (!match) return null
    items.push({ alias: match[1]?.trim() ?? null, column: match[2].trim() })
  }
  return items
}
