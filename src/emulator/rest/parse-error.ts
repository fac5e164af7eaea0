/**
 * Parse failures of the query string, shaped like PostgREST's parsec errors: the message names
 * what failed to parse and where, the details say what was found and what was expected.
 */
import { RestError } from './errors.ts'

/** A PGRST100 for `input` failing to parse as `what` at `position` (0-based). */
export function parseFailure(
  what: string,
  input: string,
  position: number,
  expecting: string,
): RestError {
  const found =
    position < input.length ? `unexpected "${input[position]}"` : 'unexpected end of input'
  return new RestError(
    400,
    'PGRST100',
    `"failed to parse ${what} (${input})" (line 1, column ${position + 1})`,
    `${found} expecting ${expecting}`,
  )
}

/**
 * How deep logic trees and embedded selects may nest, and how many steps a JSON path may
 * take. Differs on purpose: PostgREST sets no such limit, but a few hundred levels overflow
 * PGlite's stack (a 500); real queries stay far below it.
 */
export const MAX_NESTING = 64

/** A tiny cursor over one parameter value, so each grammar reads left to right. */
export class Cursor {
  position = 0
  constructor(
    readonly input: string,
    readonly what: string,
  ) {}

  get isDone(): boolean {
    return this.position >= this.input.length
  }

  peek(): string {
    return this.input[this.position] ?? ''
  }

  startsWith(text: string): boolean {
    return this.input.startsWith(text, this.position)
  }

  /** Skips spaces and tabs, which PostgREST allows around list items. */
  skipSpaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.position += 1
  }

  /** Consumes `text` if it comes next. */
  accept(text: string): boolean {
    if (!this.startsWith(text)) return false
    this.position += text.length
    return true
  }

  /** Fails when `depth` passes MAX_NESTING, so deep input is a 400, not a stack overflow. */
  checkDepth(depth: number): void {
    if (depth > MAX_NESTING) throw this.fail(`at most ${MAX_NESTING} levels of nesting`)
  }

  /** Consumes `text` or fails with what was expected instead. */
  expect(text: string, expecting = `"${text}"`): void {
    if (!this.accept(text)) throw this.fail(expecting)
  }

  /** Reads characters until one of `stops` (or the end). */
  readUntil(stops: string): string {
    const start = this.position
    while (!this.isDone && !stops.includes(this.peek())) this.position += 1
    return this.input.slice(start, this.position)
  }

  /** Reads a double-quoted string with backslash escapes, PostgREST's quoting. */
  readQuoted(): string {
    this.expect('"')
    let text = ''
    while (!this.isDone && this.peek() !== '"') {
      if (this.peek() === '\\' && this.position + 1 < this.input.length) this.position += 1
      text += this.peek()
      this.position += 1
    }
    this.expect('"', 'closing quote')
    return text
  }

  fail(expecting: string): RestError {
    return parseFailure(this.what, this.input, this.position, expecting)
  }
}
