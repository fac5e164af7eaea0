/** Logic trees: `or=(a.eq.1,and(b.gt.2,not.or(c.is.null,c.lt.3)))`, PostgREST's `pLogicTree`. */
import { readFieldRef } from './field-parser.ts'
import { readOperation } from './filters.ts'
import { Cursor } from './parse-error.ts'
import type { Condition, LogicNode } from './query-ast.ts'

/** Parses the value of an `or`/`and` parameter; `key` is `or`, `and`, `not.or` or `not.and`. */
export function parseLogicTree(key: 'and' | 'or', isNegated: boolean, input: string): LogicNode {
  const cursor = new Cursor(input, 'logic tree')
  const children = readChildren(cursor)
  if (!cursor.isDone) throw cursor.fail('end of input')
  return { kind: 'logic', operator: key, isNegated, children }
}

function readChildren(cursor: Cursor): Condition[] {
  cursor.expect('(')
  const children: Condition[] = []
  do {
    children.push(readCondition(cursor))
  } while (cursor.accept(','))
  cursor.expect(')', '"," or ")"')
  return children
}

function readCondition(cursor: Cursor): Condition {
  const nested = /^(not\.)?(and|or)\(/.exec(cursor.input.slice(cursor.position))
  if (nested) {
    cursor.position += nested[0].length - 1
    const children = readChildren(cursor)
    const operator = nested[2] as 'and' | 'or'
    return { kind: 'logic', operator, isNegated: nested[1] !== undefined, children }
  }

  const field = readFieldRef(cursor)
  cursor.expect('.', '"." after the field name')
  return { kind: 'filter', field, operation: readOperation(cursor, true) }
}
