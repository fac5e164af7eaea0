/**
 * Postgres stops runaway recursion with "stack depth limit exceeded" (54001), but in PGlite
 * the WASM stack can overflow first, below what `max_stack_depth` catches (in the JSON
 * parser, in the regular expression compiler): PGlite swallows the overflow, the statement
 * answers nothing, and a later request can hang the backend. JSON nested deeper than
 * Postgres itself accepts here is refused before it is sent; a statement that still ends
 * without an answer is reported with the same error.
 */
import { messages } from '@electric-sql/pglite'

const JSON_TYPE_IDS = new Set([114, 3802]) // json, jsonb

// At this stack size Postgres refuses jsonb from about 3000 levels (54001); PGlite's stack
// overflows from about 6000 in Node, and browsers' stacks may be smaller.
const MAX_DEPTH = 3000

/** Throws 54001 when `text`, bound as type `typeId`, is JSON nested deeper than allowed. */
export function assertJsonDepth(text: string, typeId: number | undefined): void {
  // Each level takes two characters at least, so short values need no scan.
  if (text.length <= 2 * MAX_DEPTH || !JSON_TYPE_IDS.has(typeId ?? 0)) return
  if (measureDepth(text) <= MAX_DEPTH) return

  throw createStackDepthError(`JSON is nested more than ${MAX_DEPTH} levels deep.`)
}

/** Postgres's 54001, for recursion PGlite cannot survive; `detail` says what recursed. */
export function createStackDepthError(detail: string): Error {
  const error = new messages.DatabaseError('stack depth limit exceeded', 0, 'error')
  error.severity = 'ERROR'
  error.code = '54001'
  error.detail = detail
  return error
}

// The deepest nesting of arrays and objects, skipping brackets inside strings.
function measureDepth(text: string): number {
  let depth = 0
  let deepest = 0
  let isInString = false
  for (let at = 0; at < text.length; at++) {
    const char = text.charCodeAt(at)
    if (isInString) {
      if (char === 0x5c)
        at++ // backslash: the next character is escaped
      else if (char === 0x22) isInString = false
    } else if (char === 0x22) {
      isInString = true
    } else if (char === 0x5b || char === 0x7b) {
      deepest = Math.max(deepest, ++depth)
    } else if (char === 0x5d || char === 0x7d) {
      depth--
    }
  }
  return deepest
}
