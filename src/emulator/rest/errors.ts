/**
 * PostgREST's errors: one table of codes and statuses, and the mapping of Postgres SQLSTATEs
 * to HTTP statuses. Mirrors PostgREST's `Error.hs`; codes are grouped by hundreds
 * (PGRST1xx request, 2xx schema cache, 3xx JWT, SBx emulator gaps).
 */
import type { DatabaseErrorLike } from '../db.ts'
import { createResponse, JSON_CONTENT_TYPE } from '../http.ts'
import { readRaisedResponse, RAISED_RESPONSE_CODE } from './raised-response.ts'

export interface RestErrorBody {
  code: string
  message: string
  details: string | null
  hint: string | null
}

/** An error the REST layer answers with; `status` is the HTTP status PostgREST uses. */
export class RestError extends Error {
  readonly kind = 'rest'
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: string | null = null,
    readonly hint: string | null = null,
    readonly headers: Record<string, string> = {},
    /** The reason phrase, when not the status's usual one. */
    readonly statusText?: string,
  ) {
    super(message)
  }

  toBody(): RestErrorBody {
    return { code: this.code, details: this.details, hint: this.hint, message: this.message }
  }
}

/** The emulator's own code for a PostgREST feature it does not have yet (like PGRST127). */
export const NOT_YET_CODE = 'SBX01'

/** A feature PostgREST has that the emulator lacks: 501 with a code that is clearly ours. */
export function notYet(feature: string): RestError {
  return new RestError(
    501,
    NOT_YET_CODE,
    `Sandbase does not emulate ${feature} yet`,
    null,
    'This is a gap in the in-page emulator, not an error a real Supabase project would give.',
  )
}

// SQLSTATE classes and codes PostgREST maps to statuses (PostgREST's `pgErrorStatus`).
const SQLSTATE_STATUS: [RegExp, number][] = [
  [/^08/, 503],
  [/^09/, 500],
  [/^0L/, 403],
  [/^0P/, 403],
  [/^23503$/, 409],
  [/^23505$/, 409],
  [/^25006$/, 405],
  [/^21000$/, 500],
  [/^25/, 500],
  [/^28/, 403],
  [/^2D/, 500],
  [/^38/, 500],
  [/^39/, 500],
  [/^3B/, 500],
  [/^40/, 500],
  [/^53400$/, 500],
  [/^53/, 503],
  [/^54/, 500],
  [/^55/, 500],
  [/^57P01$/, 503],
  [/^57/, 500],
  [/^58/, 500],
  [/^F0/, 500],
  [/^HV/, 500],
  [/^P0001$/, 400],
  [/^P0/, 500],
  [/^XX/, 500],
  [/^42883$/, 404],
  [/^42P01$/, 404],
  [/^42P17$/, 500],
  [/^42501$/, 403],
  [/^42/, 400],
]

const CHOSEN_STATUS = /^PT[2-5]\d\d$/

/** The HTTP status PostgREST gives a Postgres error; 401 for permission denied as anon. */
export function statusForSqlState(code: string | undefined, role: string, message = ''): number {
  if (!code) return 500
  if (code === '42501') return role === 'anon' ? 401 : 403
  // `raise sqlstate 'PT402'` in a function chooses the status itself; PostgREST answers 500
  // to a PT code that is no status (fetch carries none outside 200–599 either).
  if (code.startsWith('PT')) return CHOSEN_STATUS.test(code) ? Number(code.slice(2)) : 500
  // pg-safeupdate refuses a DELETE or UPDATE without WHERE with 21000: the client's fault.
  if (code === '21000' && message.endsWith('requires a WHERE clause')) return 400
  // Switching to a role the JWT names but the database lacks: the token's fault.
  const isMissingRole = message.startsWith('role') && message.endsWith('does not exist')
  if (code === '22023' && isMissingRole) return 401
  // No xmlagg: the XML media type asked for cannot be produced.
  if (code === '42883' && message.startsWith('function xmlagg(')) return 406
  for (const [pattern, status] of SQLSTATE_STATUS) if (pattern.test(code)) return status
  return 400
}

/** Turns a PGlite `DatabaseError` into PostgREST's body, keeping SQLSTATE, detail and hint. */
export function fromDatabaseError(error: DatabaseErrorLike, role: string): RestError {
  if (error.code === RAISED_RESPONSE_CODE) {
    const { status, code, message, details, hint, headers, statusText } = readRaisedResponse(error)
    return new RestError(status, code, message, details, hint, headers, statusText)
  }

  const status = statusForSqlState(error.code, role, error.message)
  // PostgREST gives a chosen status (PTxyz) the raised message as its reason phrase.
  const isChosen = CHOSEN_STATUS.test(error.code ?? '')
  return new RestError(
    status,
    error.code ?? 'XX000',
    error.message,
    error.detail ?? null,
    error.hint ?? null,
    {},
    isChosen ? error.message : undefined,
  )
}

/** Answers a RestError in PostgREST's wire shape; without its body when `isHead`. */
export function errorResponse(error: RestError, isHead = false): Response {
  const { status, headers, statusText } = error
  const body = isHead ? null : JSON.stringify(error.toBody())
  return createResponse(status, body, { 'content-type': JSON_CONTENT_TYPE, ...headers }, statusText)
}

/** PGRST124: `max-affected` with `handling=strict` and more rows than allowed. */
export function maxAffectedError(rowCount: number): RestError {
  return new RestError(
    400,
    'PGRST124',
    'Query result exceeds max-affected preference constraint',
    `The query affects ${rowCount} rows`,
  )
}
