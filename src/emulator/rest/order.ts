/** The `order` parameter: `a.desc.nullslast,b,rel(c).asc`, PostgREST's `pOrder`. */
import { readFieldRef, readName } from './field-parser.ts'
import { Cursor } from './parse-error.ts'
import type { OrderTerm } from './query-ast.ts'

/** Parses an `order` value into its terms. */
export function parseOrder(input: string): OrderTerm[] {
  const cursor = new Cursor(input, 'order')
  const terms: OrderTerm[] = []
  do {
    terms.push(readTerm(cursor))
  } while (cursor.accept(','))
  if (!cursor.isDone) throw cursor.fail('"," or end of input')
  return terms
}

function readTerm(cursor: Cursor): OrderTerm {
  let relation: string | null = null
  let field = readFieldRef(cursor)
  // `rel(col)` orders by a column of a to-one embedding.
  if (field.jsonPath.length === 0 && cursor.accept('(')) {
    relation = field.name
    field = readFieldRef(cursor)
    cursor.expect(')')
  }

  let direction: OrderTerm['direction'] = null
  let nulls: OrderTerm['nulls'] = null
  while (cursor.accept('.')) {
    const word = readName(cursor, '"asc", "desc", "nullsfirst" or "nullslast"')
    if ((word === 'asc' || word === 'desc') && direction === null && nulls === null) {
      direction = word
    } else if ((word === 'nullsfirst' || word === 'nullslast') && nulls === null) {
      nulls = word === 'nullsfirst' ? 'first' : 'last'
    } else {
      cursor.position -= word.length
      throw cursor.fail('"asc", "desc", "nullsfirst" or "nullslast"')
    }
  }
  return { relation, field, direction, nulls }
}
