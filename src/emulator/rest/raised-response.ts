/**
 * A function that raises sqlstate 'PGRST' writes its whole error response itself: MESSAGE is
 * a JSON object with the body (`code`, `message`, optional `details` and `hint`), DETAIL a
 * JSON object with `status`, `headers` and an optional `status_text`. PostgREST answers
 * PGRST121 (500) when either cannot be read.
 */
import type { DatabaseErrorLike } from '../db.ts'
import { appendHeaderLine, isHeaderField, toHeaderBytes } from '../http.ts'

/** The SQLSTATE that hands the whole error response to the function. */
export const RAISED_RESPONSE_CODE = 'PGRST'

/** An error response as a function described it, or PostgREST's PGRST121 about it. */
export interface RaisedResponse {
  status: number
  code: string
  message: string
  details: string | null
  hint: string | null
  headers: Record<string, string>
  statusText?: string
}

/** The error response a function described when it raised sqlstate 'PGRST'. */
export function readRaisedResponse(error: DatabaseErrorLike): RaisedResponse {
  const body = readJsonObject(error.message)
  if (!isErrorBody(body)) {
    return unreadable(
      `Invalid JSON value for MESSAGE: '${error.message}'`,
      "MESSAGE must be a JSON object with obligatory keys: 'code', 'message' and optional " +
        "keys: 'details', 'hint'.",
    )
  }

  const detailHint =
    "DETAIL must be a JSON object with obligatory keys: 'status', 'headers' and optional " +
    "key: 'status_text'."
  if (error.detail === undefined) {
    return unreadable('DETAIL is missing in the RAISE statement', detailHint)
  }
  const response = readJsonObject(error.detail)
  if (!isResponseShape(response)) {
    return unreadable(`Invalid JSON value for DETAIL: '${error.detail}'`, detailHint)
  }

  const { status, status_text: statusText, headers } = response
  return {
    status,
    code: body.code,
    message: body.message,
    details: body.details ?? null,
    hint: body.hint ?? null,
    headers: toFetchHeaders(headers),
    statusText: statusText ?? undefined,
  }
}

interface ErrorBody {
  code: string
  message: string
  details?: string | null
  hint?: string | null
}

interface ResponseShape {
  status: number
  status_text?: string | null
  headers: Record<string, string>
}

function unreadable(details: string, hint: string): RaisedResponse {
  const message = `Could not parse JSON in the "RAISE SQLSTATE 'PGRST'" error`
  return { status: 500, code: 'PGRST121', message, details, hint, headers: {} }
}

function readJsonObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null
  } catch {
    return null
  }
}

function isErrorBody(value: Record<string, unknown> | null): value is ErrorBody & typeof value {
  if (!value) return false
  const isOptionalText = (field: unknown) => field === undefined || isText(field)
  return (
    typeof value.code === 'string' &&
    typeof value.message === 'string' &&
    isOptionalText(value.details) &&
    isOptionalText(value.hint)
  )
}

// The status must be one a browser's fetch can carry (200–599); PostgREST would send any
// integer, which no fetch would hand to supabase-js.
function isResponseShape(
  value: Record<string, unknown> | null,
): value is ResponseShape & typeof value {
  if (!value) return false
  const { status, status_text: statusText, headers } = value
  return (
    Number.isInteger(status) &&
    (status as number) >= 200 &&
    (status as number) <= 599 &&
    (statusText === undefined || isText(statusText)) &&
    isHeaderMap(headers)
  )
}

function isText(value: unknown): boolean {
  return value === null || typeof value === 'string'
}

// Names and values an HTTP response can carry: a token, and text without line breaks.
function isHeaderMap(value: unknown): value is Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  return Object.entries(value).every(
    ([name, text]) => typeof text === 'string' && isHeaderField(name, text),
  )
}

// PostgREST sends one header line per key, in key order, its value UTF-8 encoded. A browser's
// fetch reads each byte of a value as one character and joins lines of the same name with
// ", ", so names differing only in case arrive as one header. A raised `Content-Type`
// replaces the JSON one, where PostgREST would send both lines.
function toFetchHeaders(headers: Record<string, string>): Record<string, string> {
  const joined: Record<string, string> = Object.create(null)
  const names = Object.keys(headers).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  for (const name of names) appendHeaderLine(joined, name, toHeaderBytes(headers[name]))
  return joined
}
