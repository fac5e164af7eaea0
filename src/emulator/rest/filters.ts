/**
 * Filter values: `[not.]operator[(modifier)].value`, PostgREST's `pOpExpr`. The value stays
 * raw text; Postgres casts it to the column's type when it is bound as a parameter.
 */
import { Cursor } from './parse-error.ts'
import { OPERATORS, type Operation, type Operator } from './query-ast.ts'

const QUANTIFIABLE: Operator[] = [
  'eq',
  'gt',
  'gte',
  'lt',
  'lte',
  'like',
  'ilike',
  'match',
  'imatch',
]
const TEXT_SEARCH: Operator[] = ['fts', 'plfts', 'phfts', 'wfts']
const IS_VALUES = ['null', 'not_null', 'true', 'false', 'unknown']
// Longest first, so `gte` is not read as `gt`.
const BY_LENGTH = [...OPERATORS].sort((a, b) => b.length - a.length)
const EXPECTING_OPERATOR = '"not" or operator (eq, gt, ...)'

/** Parses the value of a filter parameter such as `id=not.in.(1,2)`. */
export function parseFilterValue(input: string): Operation {
  const cursor = new Cursor(input, 'filter')
  return readOperation(cursor, false)
}

/**
 * Reads an operation. Inside a logic tree (`or=(a.eq.1,b.gt.2)`) the value ends at a
 * top-level `,` or `)`; in a plain filter it runs to the end of the input.
 */
export function readOperation(cursor: Cursor, isInLogic: boolean): Operation {
  const isNegated = cursor.accept('not.')
  const operator = BY_LENGTH.find((name) => {
    const next = cursor.input[cursor.position + name.length]
    return cursor.startsWith(name) && (next === '.' || next === '(')
  })
  if (!operator) throw cursor.fail(EXPECTING_OPERATOR)
  cursor.accept(operator)

  let quantifier: Operation['quantifier'] = null
  let language: string | null = null
  if (cursor.accept('(')) {
    const modifier = cursor.readUntil(')')
    if (QUANTIFIABLE.includes(operator) && (modifier === 'any' || modifier === 'all')) {
      quantifier = modifier
    } else if (TEXT_SEARCH.includes(operator) && /^[\p{L}\p{N}_]+$/u.test(modifier)) {
      language = modifier
    } else {
      cursor.position -= modifier.length
      throw cursor.fail(TEXT_SEARCH.includes(operator) ? 'language' : '"any" or "all"')
    }
    cursor.expect(')')
  }
  cursor.expect('.')

  const valueStart = cursor.position
  const value = isInLogic ? readLogicValue(cursor) : cursor.input.slice(cursor.position)
  if (!isInLogic) cursor.position = cursor.input.length

  if (operator === 'is' && !IS_VALUES.includes(value.toLowerCase())) {
    cursor.position = valueStart
    throw cursor.fail('isVal: (null, not_null, true, false, unknown)')
  }
  const list = operator === 'in' ? parseList(value, cursor, valueStart) : null
  return { operator, isNegated, quantifier, language, value, list }
}

/** A value inside a logic tree: quoted, a parenthesised list, or text up to `,`/`)`. */
function readLogicValue(cursor: Cursor): string {
  if (cursor.peek() === '"') return cursor.readQuoted()
  const start = cursor.position
  let depth = 0
  while (!cursor.isDone) {
    const char = cursor.peek()
    if (char === '"') {
      cursor.readQuoted()
      continue
    }
    if (char === '(' || char === '{' || char === '[') depth += 1
    else if ((char === ')' || char === '}' || char === ']') && depth > 0) depth -= 1
    else if ((char === ',' || char === ')') && depth === 0) break
    cursor.position += 1
  }
  return cursor.input.slice(start, cursor.position)
}

/** Splits `(a,"b,c",d)` into its items; quotes protect commas and parentheses. */
function parseList(value: string, outer: Cursor, offset: number): string[] {
  const cursor = new Cursor(value, outer.what)
  const fail = (expecting: string) => {
    outer.position = offset + cursor.position
    return outer.fail(expecting)
  }
  if (!cursor.accept('(')) throw fail('"("')
  const items: string[] = []
  if (cursor.accept(')')) {
    if (!cursor.isDone) throw fail('end of input')
    return items
  }
  do {
    items.push(cursor.peek() === '"' ? cursor.readQuoted() : cursor.readUntil(',)'))
  } while (cursor.accept(','))
  if (!cursor.accept(')') || !cursor.isDone) throw fail('"," or ")"')
  return items
}
