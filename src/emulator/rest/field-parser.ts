/** Column names and JSON paths as they appear in select, filter keys, order and logic trees. */
import type { Cursor } from './parse-error.ts'
import type { FieldRef, JsonStep } from './query-ast.ts'

// Characters that may form an unquoted name: letters, digits, `_`, `$` and spaces.
const NAME_CHAR = /[\p{L}\p{N}_$ ]/u

/** Reads a name, quoted (`"my col"`) or bare. */
export function readName(cursor: Cursor, expecting = 'field name'): string {
  if (cursor.peek() === '"') return cursor.readQuoted()
  const start = cursor.position
  while (!cursor.isDone && NAME_CHAR.test(cursor.peek())) cursor.position += 1
  // A bare `-` inside a name is fine as long as it does not start an arrow.
  while (cursor.peek() === '-' && !cursor.startsWith('->')) {
    cursor.position += 1
    while (!cursor.isDone && NAME_CHAR.test(cursor.peek())) cursor.position += 1
  }
  const name = cursor.input.slice(start, cursor.position).trim()
  if (!name) throw cursor.fail(expecting)
  return name
}

// Sticky: an array index right at the cursor, without copying the rest of the input.
const JSON_INDEX = /-?\d+/y

/** Reads `->key` / `->>key` steps after a column name. */
export function readJsonPath(cursor: Cursor): JsonStep[] {
  const steps: JsonStep[] = []
  while (cursor.startsWith('->')) {
    // Each step nests one operator deeper in the SQL: a few hundred overflow PGlite's stack.
    cursor.checkDepth(steps.length + 1)
    const arrow = cursor.accept('->>') ? '->>' : (cursor.expect('->'), '->')
    JSON_INDEX.lastIndex = cursor.position
    const index = JSON_INDEX.exec(cursor.input)
    const isIndex =
      index !== null && !NAME_CHAR.test(cursor.input[cursor.position + index[0].length] ?? '')
    if (isIndex) {
      cursor.position += index[0].length
      steps.push({ arrow, key: index[0], isIndex: true })
    } else {
      steps.push({ arrow, key: readJsonKey(cursor), isIndex: false })
    }
  }
  return steps
}

// JSON keys are freer than column names: anything but the characters that delimit them.
const JSON_KEY_STOP = '(-:.,>)'

function readJsonKey(cursor: Cursor): string {
  if (cursor.peek() === '"') return cursor.readQuoted()
  const start = cursor.position
  while (!cursor.isDone) {
    const char = cursor.peek()
    if (char === '-' && !cursor.startsWith('->')) cursor.position += 1
    else if (JSON_KEY_STOP.includes(char)) break
    else cursor.position += 1
  }
  const key = cursor.input.slice(start, cursor.position).trim()
  if (!key) throw cursor.fail('any non reserved character different from: .,>()')
  return key
}

/** Reads a column with its JSON path. */
export function readFieldRef(cursor: Cursor): FieldRef {
  const name = readName(cursor)
  return { name, jsonPath: readJsonPath(cursor) }
}

/** The key a JSON path yields when it has no alias: its last key, like PostgREST. */
export function defaultFieldAlias(field: FieldRef): string {
  const last = field.jsonPath.at(-1)
  if (!last) return field.name
  return last.isIndex ? field.name : last.key
}
