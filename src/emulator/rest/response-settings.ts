/**
 * What a function or trigger sets for the response with `set_config('response.status', ...)`
 * and `set_config('response.headers', ...)`, transaction-local, the way PostgREST lets SQL
 * shape its answer. Every statement that answers a request reads both at its end.
 */
import { appendHeaderLine, isHeaderField } from '../http.ts'
import { RestError } from './errors.ts'

/** Select-list columns reading both settings; they come last, after the work is done. */
export const RESPONSE_SETTING_COLUMNS =
  `pg_catalog.current_setting('response.headers', true) as response_headers, ` +
  `pg_catalog.current_setting('response.status', true) as response_status`

/** The two columns as a row of the statement carries them. */
export interface ResponseSettingsRow {
  response_headers?: string | null
  response_status?: string | null
}

/** The status and headers SQL chose; `null` and `{}` when it chose none. */
export interface ResponseSettings {
  status: number | null
  headers: Record<string, string>
}

/**
 * Reads the settings from `row`: PGRST111 or PGRST112 (500) when one cannot be used. Read
 * them once the transaction is over: PostgREST builds its response after the commit, so such
 * an error does not undo the request's writes.
 */
export function readResponseSettings(row: ResponseSettingsRow | undefined): ResponseSettings {
  // A setting made local to an earlier transaction reads as '' afterwards: not set.
  const status = row?.response_status || null
  const headers = row?.response_headers || null
  return { status: status === null ? null : readStatus(status), headers: readHeaders(headers) }
}

/** The status and headers of the answer, with what SQL chose put over the service's own. */
export function applyResponseSettings(
  status: number,
  headers: Record<string, string>,
  settings: ResponseSettings,
): { status: number; headers: Record<string, string> } {
  return { status: settings.status ?? status, headers: { ...headers, ...settings.headers } }
}

// Only what a browser's fetch can carry to supabase-js: 200 to 599.
function readStatus(text: string): number {
  const status = /^\d{3}$/.test(text.trim()) ? Number(text) : NaN
  if (status >= 200 && status <= 599) return status
  throw new RestError(500, 'PGRST112', 'response.status guc must be a valid status code')
}

// A JSON array of one-key objects, `[{"Cache-Control": "no-store"}]`. PostgREST sends one
// line per object; fetch joins lines of one name with ", ".
function readHeaders(text: string | null): Record<string, string> {
  if (text === null) return {}
  const headers: Record<string, string> = Object.create(null)
  for (const entry of parseJsonArray(text)) {
    const fields = typeof entry === 'object' && entry !== null ? Object.entries(entry) : []
    const [name, value] = fields.length === 1 && !Array.isArray(entry) ? fields[0] : []
    if (typeof name !== 'string' || typeof value !== 'string' || !isHeaderField(name, value)) {
      throw headersError()
    }
    appendHeaderLine(headers, name, value)
  }
  return headers
}

function parseJsonArray(text: string): unknown[] {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw headersError()
  }
  if (!Array.isArray(value)) throw headersError()
  return value
}

function headersError(): RestError {
  return new RestError(
    500,
    'PGRST111',
    'response.headers guc must be a JSON array composed of objects with a single key and a ' +
      'string value',
  )
}
