/**
 * Small SQL pieces shared by the builders: identifier quoting, positional parameters and
 * column references with JSON paths. Values only ever reach SQL as `$n` parameters.
 */
import { RestError } from './errors.ts'
import type { FieldRef } from './query-ast.ts'

/** Quotes an identifier like Postgres's `quote_ident`, always (so case and keywords survive). */
export function quoteIdent(name: string): string {
  // Postgres identifiers cannot hold NUL; refuse instead of letting the protocol choke on it.
  if (name.includes('\0')) throw new RestError(400, 'PGRST100', 'Identifiers cannot contain NUL')
  return `"${name.replace(/"/g, '""')}"`
}

/** `"schema"."name"` */
export function quoteQualified(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`
}

/** The positional parameters of one statement; `add` returns the placeholder to write. */
export class SqlParams {
  /** Pass the values already bound by the surrounding statement to continue their numbering. */
  constructor(readonly values: unknown[] = []) {}

  /** Binds a value and returns its `$n`. */
  add(value: unknown): string {
    this.values.push(value)
    return `$${this.values.length}`
  }
}

/** `"alias"."col"` followed by its JSON path, keys bound as parameters. */
export function renderField(alias: string, field: FieldRef, params: SqlParams): string {
  let sql = `${quoteIdent(alias)}.${quoteIdent(field.name)}`
  for (const step of field.jsonPath) {
    // An explicit type picks `->`'s text or integer overload; an untyped `$n` is ambiguous.
    const key = step.isIndex ? `${params.add(step.key)}::int` : `${params.add(step.key)}::text`
    sql += `${step.arrow}${key}`
  }
  return sql
}

/**
 * A readable alias that stays unique: Postgres truncates identifiers to 63 bytes, which could
 * make two long aliases collide, so the readable part is cut before the distinguishing number.
 */
export function makeAlias(base: string, counter: number): string {
  return `${base.slice(0, 40)}_${counter}`
}
