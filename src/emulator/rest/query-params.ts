/**
 * The query string of a REST request, parsed into the typed form of `query-ast.ts`
 * (PostgREST's `ApiRequest.QueryParams`).
 *
 * Exports for the read, write and rpc pipelines:
 * - `parseQueryParams(params, { excluded })`: select tree, filters and logic trees (top level
 *   and per embedding path), order, limit/offset, `columns`, `on_conflict`, leftovers.
 * - `buildReadQuery` (sql-read.ts): the SQL that returns the JSON body and the counts.
 * - `buildWhere` (sql-filter.ts): a WHERE clause from parsed conditions, for update/delete.
 */
import { readJsonPath, readName } from './field-parser.ts'
import { parseFilterValue } from './filters.ts'
import { parseLogicTree } from './logic.ts'
import { parseOrder } from './order.ts'
import { Cursor } from './parse-error.ts'
import { rangeNotSatisfiable } from './range.ts'
import {
  createNodeModifiers,
  type NodeModifiers,
  type QueryParams,
  type SelectItem,
} from './query-ast.ts'
import { parseSelect } from './select-parser.ts'

export * from './query-ast.ts'

export interface ParseOptions {
  /** Names kept out of filtering and returned in `extra`, e.g. a function's argument names. */
  excluded?: Iterable<string>
}

const STAR: SelectItem[] = [
  { kind: 'column', field: { name: '*', jsonPath: [] }, alias: null, cast: null },
]
const RAW_KEYS = ['columns', 'on_conflict']

/**
 * Parses every parameter like PostgREST: reserved keys (`select`, `order`, `limit`, `offset`,
 * `or`, `and`, `columns`, `on_conflict`, optionally prefixed by an embedding path) and, for any
 * other key, a filter on the column it names.
 */
export function parseQueryParams(params: URLSearchParams, options: ParseOptions = {}): QueryParams {
  const excluded = new Set(options.excluded ?? [])
  const query: QueryParams = {
    select: STAR,
    hasSelect: false,
    root: createNodeModifiers(),
    embedded: new Map(),
    columns: null,
    onConflict: null,
    extra: new Map(),
  }

  for (const [key, value] of params) {
    if (key === 'select') {
      query.select = parseSelect(value)
      query.hasSelect = true
    } else if (RAW_KEYS.includes(key) || excluded.has(key)) {
      query.extra.set(key, value)
      if (key === 'columns') query.columns = splitNames(value)
      if (key === 'on_conflict') query.onConflict = splitNames(value)
    } else {
      applyParam(query, key, value)
    }
  }
  return query
}

/** Applies one modifier or filter parameter to the level its key's path points at. */
function applyParam(query: QueryParams, key: string, value: string): void {
  const { names, jsonPath } = parseKeyPath(key)
  const last = names.at(-1) as string
  const isNegatedLogic = names.length >= 2 && names.at(-2) === 'not' && /^(and|or)$/.test(last)
  const isPlain = jsonPath.length === 0

  if (isPlain && (isNegatedLogic || last === 'and' || last === 'or')) {
    const path = names.slice(0, isNegatedLogic ? -2 : -1)
    const tree = parseLogicTree(last as 'and' | 'or', isNegatedLogic, value)
    modifiersAt(query, path).conditions.push(tree)
    return
  }
  if (isPlain && (last === 'order' || last === 'limit' || last === 'offset')) {
    const modifiers = modifiersAt(query, names.slice(0, -1))
    if (last === 'order') modifiers.order = parseOrder(value)
    else modifiers[last] = parseCount(last, value)
    return
  }

  const field = { name: last, jsonPath }
  const operation = parseFilterValue(value)
  modifiersAt(query, names.slice(0, -1)).conditions.push({ kind: 'filter', field, operation })
}

/** A key is a dotted path of (possibly quoted) names, the last one with an optional JSON path. */
function parseKeyPath(key: string) {
  const cursor = new Cursor(key, 'tree path')
  const names = [readName(cursor)]
  while (cursor.accept('.')) names.push(readName(cursor))
  const jsonPath = readJsonPath(cursor)
  if (!cursor.isDone) throw cursor.fail('"." or end of input')
  return { names, jsonPath }
}

function modifiersAt(query: QueryParams, path: string[]): NodeModifiers {
  if (path.length === 0) return query.root
  const key = path.join('.')
  let modifiers = query.embedded.get(key)
  if (!modifiers) {
    modifiers = createNodeModifiers()
    query.embedded.set(key, modifiers)
  }
  return modifiers
}

/**
 * `limit`/`offset` values: integers, read like PostgREST's `readMaybe`. Anything else is
 * ignored rather than refused, and a negative limit is an unsatisfiable range (PGRST103).
 */
function parseCount(name: 'limit' | 'offset', value: string): number | null {
  if (!/^\s*-?\d+\s*$/.test(value)) return null
  const count = Number(value)
  if (name === 'limit' && count < 0) {
    throw rangeNotSatisfiable('Limit should be greater than or equal to zero.')
  }
  return count
}

function splitNames(value: string): string[] {
  return value
    .split(',')
    .map((name) => name.trim().replace(/^"(.*)"$/, '$1'))
    .filter(Boolean)
}
