/**
 * `Prefer: count=exact|planned|estimated` on reads (PostgREST's count preference): exact
 * counts every row; planned asks the planner; estimated counts exactly up to the max rows
 * setting and trusts the planner beyond it.
 */
import type { SqlSession } from '../db.ts'
import { MAX_ROWS } from './range.ts'
import type { ReadQuery } from './sql-read.ts'

export type CountMode = 'exact' | 'planned' | 'estimated'

/** The count a `Prefer` header asks for, if any (the first `count=` wins). */
export function readCountPreference(prefer: string | undefined): CountMode | null {
  const match = /(?:^|[,;\s])count=(exact|planned|estimated)\b/.exec(prefer ?? '')
  return match ? (match[1] as CountMode) : null
}

/** The planner's row estimate for every row the read's filters keep. */
export async function estimateRowCount(session: SqlSession, query: ReadQuery): Promise<number> {
  const { sql, params } = query.unpaged
  const result = await session.query<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(
    `explain (format json) ${sql}`,
    params,
  )
  return result.rows[0]['QUERY PLAN'][0].Plan['Plan Rows']
}

/** The total to report for `mode`, given the exact count when one was taken. */
export async function resolveCount(
  mode: CountMode,
  exact: number | null,
  estimate: () => Promise<number>,
): Promise<number | null> {
  if (mode === 'exact') return exact
  if (mode === 'estimated' && exact !== null && exact <= MAX_ROWS) return exact
  return estimate()
}
