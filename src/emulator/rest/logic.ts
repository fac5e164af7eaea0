/** Logic trees: `or=(a.eq.1,and(b.gt.2,not.or(c.is.null,c.lt.3)))`, PostgREST's `pLogicTree`. */
import { readFieldRef } from './field-parser.ts'
import { readOperation } from './filters.ts'
import { Cursor } from './parse-error.ts'
import type { Condition, LogicNode } from './query-ast.ts'

/** Parses the value of an `or`/`and` parameter; `key` is `or`, `and`, `not.or` or `not.and`. */
export function parseLogicTree(key: 'and' | 'or', isNegated: boolean, input: string): LogicNode {
  const cursor = new Cursor(input, 'logic tree')
  const children = readChildren(cursor, 1)
  if (!cursor.isDone) throw cursor.fail('end of input')
  return { kind: 'logic', operator: key, isNegated, children }
}

function readChildren(cursor: Cursor, depth: number): Condition[] {
  cursor.checkDepth(depth)
  cursor.expect('(')
  const children: Condition[] = []
  do {
    children.push(readCondition(cursor, depth))
  } while (cursor.accept(','))
  cursor.expect(')', '"," or ")"')
  return children
}

// Sticky: matches at the cursor without copying the rest of the input each time.
const NESTED_TREE = /(not\.)?(and|or)\(/y

function readCondition(cursor: Cursor, depth: number): Condition {
  NESTED_TREE.lastIndex = cursor.position
  const nested = NESTED_TREE.exec(cursor.input)
  if (nested) {
    cursor.position += nested[0].length - 1
    const children = readChildren(cursor, depth + 1)
    const operator = nested[2] as 'and' | 'or'
    return { kind: 'logic', operator, isNegated: nested[1] !== undefined, children }
  }

  const field = readFieldRef(cursor)
  cursor.expect('.', '"." after the field name')
  return { kind: 'filter', field, operation: readOperation(cursor, true) }
}
