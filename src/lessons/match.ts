/**
 * Checks what an example produced against its `expect`, with the partial matching that
 * `src/lessons/schema.ts` documents, and explains the first difference it finds.
 */
import type { Expectation } from './schema.ts'

/** What running an example produced: each `console.log` call's arguments, and its error. */
export interface RunOutcome {
  logs: unknown[][]
  error?: string
}

export type MatchResult = { ok: true } | { ok: false; message: string }

/** The placeholder that matches any value, as long as one is present. */
export const ANY = '<any>'

/** Matches a run's outcome against an expectation; `message` names the first mismatch. */
export function matchExpectation(actual: RunOutcome, expect: Expectation): MatchResult {
  const mismatch = findErrorMismatch(actual.error, expect.error) ?? findLogsMismatch(actual, expect)
  return mismatch === null ? { ok: true } : { ok: false, message: mismatch }
}

function findErrorMismatch(actual: string | undefined, expected: string | undefined) {
  if (expected === undefined) {
    return actual === undefined ? null : `expected no error, got: ${actual}`
  }
  if (actual === undefined) return `expected an error containing "${expected}", got none`
  if (!actual.includes(expected))
    return `expected an error containing "${expected}", got: ${actual}`
  return null
}

function findLogsMismatch({ logs }: RunOutcome, { logs: expected, exact }: Expectation) {
  if (expected === undefined) return null
  if (logs.length !== expected.length) {
    return `expected ${expected.length} console.log call(s), got ${logs.length}: ${show(logs)}`
  }
  for (const [index, args] of expected.entries()) {
    const mismatch = findValueMismatch(logs[index], args, `logs[${index}]`, exact ?? false)
    if (mismatch !== null) return mismatch
  }
  return null
}

/** Returns a description of where `actual` differs from `expected`, or null if it matches. */
export function findValueMismatch(
  actual: unknown,
  expected: unknown,
  path: string,
  exact: boolean,
): string | null {
  if (expected === ANY) return actual === undefined ? `${path}: expected a value, got none` : null

  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: expected an array, got ${show(actual)}`
    if (actual.length !== expected.length) {
      return `${path}: expected ${expected.length} item(s), got ${actual.length}: ${show(actual)}`
    }
    for (const [index, item] of expected.entries()) {
      const mismatch = findValueMismatch(actual[index], item, `${path}[${index}]`, exact)
      if (mismatch !== null) return mismatch
    }
    return null
  }

  if (isObject(expected)) {
    if (!isObject(actual)) return `${path}: expected an object, got ${show(actual)}`
    for (const [key, value] of Object.entries(expected)) {
      if (!(key in actual)) return `${path}: expected key "${key}", got ${show(actual)}`
      const mismatch = findValueMismatch(actual[key], value, `${path}.${key}`, exact)
      if (mismatch !== null) return mismatch
    }
    const extra = exact ? Object.keys(actual).filter((key) => !(key in expected)) : []
    if (extra.length > 0) return `${path}: unexpected key(s) ${extra.join(', ')}`
    return null
  }

  return Object.is(actual, expected)
    ? null
    : `${path}: expected ${show(expected)}, got ${show(actual)}`
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

// Mismatch messages quote values compactly; a whole result set would drown the difference.
function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 200 ? `${text.slice(0, 200)}…` : text
}
