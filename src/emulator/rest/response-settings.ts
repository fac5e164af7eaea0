/**
 * The transaction-scoped settings `response.status` and `response.headers`, through which a
 * function chooses its answer's status and adds or replaces headers. Mirrors PostgREST's
 * `overrideStatusHeaders` (Response.hs) and its PGRST111/PGRST112 errors.
 *
 * Not yet: the settings on reads and writes (set by a trigger or by a function a view calls);
 * only rpc reads them, and a table's answer keeps PostgREST's usual status and headers. The
 * note can go once read.ts and mutate.ts apply them too.
 */
import type { SqlSession } from '../db.ts'
import { toHeaderBytes } from '../http.ts'
import { RestError } from './errors.ts'

/** The settings as the transaction left them; null when unset or empty. */
export interface ResponseSettings {
  status: string | null
  headers: string | null
}

// An unset setting reads as '' once any transaction has set it, so both mean "not set".
const READ_SETTINGS_SQL = `select
  nullif(current_setting('response.status', true), '') as status,
  nullif(current_setting('response.headers', true), '') as headers`

/** Reads the settings; call it in the request's transaction, after the main statement. */
export async function readResponseSettings(session: SqlSession): Promise<ResponseSettings> {
  const { rows } = await session.query<ResponseSettings>(READ_SETTINGS_SQL)
  return rows[0]
}

/**
 * The status and headers of the answer once the settings apply. Like PostgREST, this happens
 * after the transaction ended, so an unreadable setting answers 500 with the writes kept.
 */
export function overrideStatusHeaders(
  settings: ResponseSettings | null,
  status: number,
  headers: Record<string, string>,
): { status: number; headers: Record<string, string> } {
  if (!settings) return { status, headers }

  const chosen = settings.status === null ? null : readStatus(settings.status)
  const added = settings.headers === null ? [] : readHeaders(settings.headers)

  // A set header replaces PostgREST's own of that name; repeats arrive joined, as fetch
  // joins repeated header lines.
  const joined = new Map<string, string>()
  for (const [name, value] of added) {
    const key = name.toLowerCase()
    const previous = joined.get(key)
    joined.set(key, previous === undefined ? value : `${previous}, ${value}`)
  }
  const kept = Object.entries(headers).filter(([name]) => !joined.has(name.toLowerCase()))
  return {
    status: chosen ?? status,
    headers: { ...Object.fromEntries(kept), ...Object.fromEntries(joined) },
  }
}

// PostgREST takes any integer; fetch carries only 200–599, so the rest is refused here too.
function readStatus(text: string): number {
  const status = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN
  if (Number.isInteger(status) && status >= 200 && status <= 599) return status
  throw new RestError(500, 'PGRST112', 'response.status guc must be a valid status code')
}

function readHeaders(text: string): [string, string][] {
  const failure = new RestError(
    500,
    'PGRST111',
    'response.headers guc must be a JSON array composed of objects with a single key and a string value',
  )
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw failure
  }
  if (!Array.isArray(value)) throw failure

  return value.map((item: unknown) => {
    const entries =
      typeof item === 'object' && item !== null && !Array.isArray(item) ? Object.entries(item) : []
    const [entry] = entries
    const isHeader =
      entries.length === 1 && typeof entry[1] === 'string' && isCarried(entry[0], entry[1])
    if (!isHeader) throw failure
    return [entry[0], toHeaderBytes(entry[1] as string)]
  })
}

// A name must be a token and a value free of line breaks, or no response could carry them.
function isCarried(name: string, value: string): boolean {
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) && !/[\r\n\0]/.test(value)
}
