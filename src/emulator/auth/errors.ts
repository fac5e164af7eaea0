/**
 * GoTrue's error responses. A client that sends `X-Supabase-Api-Version: 2024-01-01` (auth-js
 * always does) gets `{ code, message }` with the version echoed back, which makes auth-js read
 * `code` as the error code; older clients get `{ code: status, error_code, msg }`.
 */
import { jsonResponse, type ServiceRequest } from '../http.ts'

export const API_VERSION_HEADER = 'x-supabase-api-version'
export const API_VERSION = '2024-01-01'

/** One failed auth request: the status, GoTrue's error code and its message. */
export class AuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message)
    this.name = 'AuthError'
  }
}

/** Shorthands named after GoTrue's helpers, so each call site reads like its status. */
export const badRequest = (code: string, message: string) => new AuthError(400, code, message)
export const unauthorized = (code: string, message: string) => new AuthError(401, code, message)
export const forbidden = (code: string, message: string) => new AuthError(403, code, message)
export const notFound = (code: string, message: string) => new AuthError(404, code, message)
export const unprocessable = (code: string, message: string) => new AuthError(422, code, message)

/** The code of the emulator's own 501, so lessons can tell its gaps from GoTrue's errors. */
export const NOT_YET_CODE = 'sandbase_not_yet'

/**
 * The emulator's own error for a GoTrue feature it does not have, as PGRST127 is for REST;
 * the service traces a `not-yet` event when one is answered.
 */
export function notYet(feature: string): AuthError {
  return new AuthError(501, NOT_YET_CODE, `Sandbase does not emulate ${feature} yet`)
}

/** Whether the client asked for the 2024-01-01 error shape. */
export function usesVersionedErrors(request: ServiceRequest): boolean {
  const version = request.headers[API_VERSION_HEADER]
  return Boolean(version && version >= API_VERSION)
}

/** The wire response for an error, in the shape the client's API version expects. */
export function toErrorResponse(error: AuthError, request: ServiceRequest): Response {
  const { status, code, message, extra } = error
  if (usesVersionedErrors(request)) {
    return jsonResponse(status, { code, message, ...extra }, { [API_VERSION_HEADER]: API_VERSION })
  }
  return jsonResponse(status, { code: status, error_code: code, msg: message, ...extra })
}
