/**
 * The `select` parameter: columns, aliases, casts, JSON paths and embedded resources, as
 * PostgREST's `pRequestSelect` reads them.
 */
import { readJsonPath, readName } from './field-parser.ts'
import { RestError } from './errors.ts'
import { Cursor } from './parse-error.ts'
import type { EmbedItem, SelectItem } from './query-ast.ts'

// A cast must be one plain type name (`text`, `int4`, `float8`, `text[]`), as PostgREST's
// parser accepts: it is written into the SQL, so anything else is refused at parse time.
// Spaces are refused too, or words after the type would be read as more SQL.
const CAST_TYPE = /^[a-z_][a-z0-9_]*(\[\])?$/i

/** Parses a `select` value into its items. */
export function parseSelect(input: string): SelectItem[] {
  const cursor = new Cursor(input, 'select parameter')
  // An empty select is allowed and selects no columns: each row is `{}`.
  if (input.trim() === '') return []
  const items = readItems(cursor, 0)
  if (!cursor.isDone) throw cursor.fail('"," or end of input')
  return items
}

function readItems(cursor: Cursor, depth: number): SelectItem[] {
  const items: SelectItem[] = []
  cursor.skipSpaces()
  // `rel()` selects nothing from the embedding, which is how `!inner` filters without output.
  if (depth > 0 && cursor.peek() === ')') return items
  do {
    cursor.skipSpaces()
    items.push(readItem(cursor, depth))
    cursor.skipSpaces()
  } while (cursor.accept(','))
  return items
}

function readItem(cursor: Cursor, depth: number): SelectItem {
  if (cursor.accept('...')) {
    const name = readName(cursor, 'embedded resource name')
    return readEmbed(cursor, name, null, true, depth)
  }
  if (cursor.accept('*')) {
    return { kind: 'column', field: { name: '*', jsonPath: [] }, alias: null, cast: null }
  }

  let alias: string | null = null
  let name = readName(cursor)
  if (cursor.peek() === ':' && !cursor.startsWith('::')) {
    cursor.accept(':')
    alias = name
    if (cursor.accept('...')) throw cursor.fail('field name')
    name = readName(cursor)
  }

  if (name === 'count' && cursor.startsWith('()')) throw aggregatesNotAllowed()
  if (cursor.peek() === '!' || cursor.peek() === '(') {
    return readEmbed(cursor, name, alias, false, depth)
  }

  const field = { name, jsonPath: readJsonPath(cursor) }
  let cast: string | null = null
  if (cursor.accept('::')) {
    cast = cursor.readUntil(',)').trim()
    if (!CAST_TYPE.test(cast)) throw cursor.fail('a type name')
  }
  if (/^\.(sum|avg|count|max|min)\(\)/.test(cursor.input.slice(cursor.position))) {
    throw aggregatesNotAllowed()
  }
  return { kind: 'column', field, alias, cast }
}

// Not yet: aggregates (`count()`, `amount.sum()`). Supabase projects start with
// `db_aggregates_enabled` off, and so does Sandbase: both answer PGRST123.
function aggregatesNotAllowed(): RestError {
  return new RestError(400, 'PGRST123', 'Use of aggregate functions is not allowed')
}

function readEmbed(
  cursor: Cursor,
  relation: string,
  alias: string | null,
  isSpread: boolean,
  depth: number,
): EmbedItem {
  let hint: string | null = null
  let joinType: EmbedItem['joinType'] = null
  while (cursor.accept('!')) {
    const word = readName(cursor, 'hint or join type')
    if (word === 'inner' || word === 'left') joinType = word
    else hint = word
  }
  cursor.checkDepth(depth + 1)
  cursor.expect('(', '"(" to open the embedded select')
  const select = readItems(cursor, depth + 1)
  cursor.expect(')', '"," or ")"')
  return { kind: 'embed', relation, alias, hint, joinType, isSpread, select }
}
