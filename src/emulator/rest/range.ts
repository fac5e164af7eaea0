/**
 * Pages of a read: the `Range` header and `limit`/`offset` combined as PostgREST's
 * `RangeQuery` does, and the `Content-Range` and status that describe the answered page.
 */
import { RestError } from './errors.ts'

/**
 * Supabase's default "Max rows" API setting (PostgREST's `db-max-rows`): no read answers more
 * rows than this, whatever its limit.
 */
export const MAX_ROWS = 1000

export interface Page {
  offset: number
  /** null when nothing bounds the page. */
  limit: number | null
}

/**
 * Narrows `limit`/`offset` by a `Range: first-last` header (items) and by the max rows
 * setting. A malformed header is ignored, as PostgREST ignores what it cannot parse.
 */
export function resolvePage(
  rangeHeader: string | undefined,
  limit: number | null,
  offset: number | null,
  maxRows: number | null = MAX_ROWS,
): Page {
  let first = offset ?? 0
  let last = limit === null ? Infinity : first + limit - 1

  const match = /^\s*(?:items=)?(\d+)-(\d*)\s*$/.exec(rangeHeader ?? '')
  if (match) {
    const headerFirst = Number(match[1])
    const headerLast = match[2] === '' ? Infinity : Number(match[2])
    if (headerLast < headerFirst) {
      throw rangeNotSatisfiable(
        'The lower boundary must be lower than or equal to the upper boundary in the Range header.',
      )
    }
    first = Math.max(first, headerFirst)
    last = Math.min(last, headerLast)
  }

  if (maxRows !== null) last = Math.min(last, first + maxRows - 1)
  return { offset: first, limit: last === Infinity ? null : Math.max(0, last - first + 1) }
}

/** `Content-Range` for a page of `pageTotal` rows at `offset`, out of `total` when counted. */
export function formatContentRange(offset: number, pageTotal: number, total: number | null) {
  const totalText = total === null ? '*' : String(total)
  if (pageTotal === 0) return `*/${totalText}`
  return `${offset}-${offset + pageTotal - 1}/${totalText}`
}

/**
 * 200 for a complete answer, 206 when the count shows rows beyond the page, and PGRST103
 * (416) when the offset lies past the last row: PostgREST's `rangeStatus`.
 */
export function resolveRangeStatus(offset: number, pageTotal: number, total: number | null) {
  if (total === null) return 200
  if (offset > total) {
    const details = `An offset of ${offset} was requested, but there are only ${total} rows.`
    throw rangeNotSatisfiable(details, { 'content-range': `*/${total}` })
  }
  return pageTotal < total ? 206 : 200
}

/** PGRST103 (416) with PostgREST's explanation of what made the range unsatisfiable. */
export function rangeNotSatisfiable(details: string, headers: Record<string, string> = {}) {
  return new RestError(416, 'PGRST103', 'Requested range not satisfiable', details, null, headers)
}
