/** Static highlighting of SQL text with lang-sql's PostgreSQL grammar: no editor needed. */
import { PostgreSQL } from '@codemirror/lang-sql'
import { classHighlighter, highlightCode } from '@lezer/highlight'

export interface Token {
  text: string
  className: string
}

/** Splits `sql` into tokens, each with CodeMirror's `tok-*` class names (or none). */
export function highlightSql(sql: string): Token[] {
  const tokens: Token[] = []
  const tree = PostgreSQL.language.parser.parse(sql)
  highlightCode(
    sql,
    tree,
    classHighlighter,
    (text, className) => tokens.push({ text, className }),
    () => tokens.push({ text: '\n', className: '' }),
  )
  return tokens
}
