/** A highlighted SQL statement; plain text until the highlighter has loaded. */
import { useEffect, useMemo, useState } from 'react'
import type { highlightSql } from './sql-highlight.ts'

let highlighter: Promise<typeof highlightSql> | null = null

/** Renders `sql` with PostgreSQL highlighting. */
export function SqlCode({ sql }: { sql: string }) {
  const [highlight, setHighlight] = useState<typeof highlightSql | null>(null)

  useEffect(() => {
    highlighter ??= import('./sql-highlight.ts').then((module) => module.highlightSql)
    let isCurrent = true
    highlighter.then((fn) => isCurrent && setHighlight(() => fn))
    return () => {
      isCurrent = false
    }
  }, [])

  const text = useMemo(() => tidySql(sql), [sql])
  const tokens = useMemo(() => highlight?.(text), [highlight, text])
  return (
    <pre className="sb-sql">
      <code>
        {tokens
          ? tokens.map(({ text, className }, i) =>
              className ? (
                <span key={i} className={className}>
                  {text}
                </span>
              ) : (
                text
              ),
            )
          : text}
      </code>
    </pre>
  )
}

// The emulator's SQL is built for Postgres, not for reading: trim its outer blank lines and
// common indentation.
function tidySql(sql: string): string {
  const lines = sql.replace(/^\s*\n|\n\s*$/g, '').split('\n')
  const indents = lines.filter((line) => line.trim()).map((line) => line.match(/^ */)![0].length)
  const common = Math.min(...indents.slice(1), indents[0] ?? 0)
  return lines.map((line, i) => (i === 0 ? line.trimStart() : line.slice(common))).join('\n')
}
