/** What every auth handler gets: the request, its parsed body, SQL, settings and an outbox. */
import type { SqlSession } from '../db.ts'
import type { ServiceContext } from '../context.ts'
import type { ServiceRequest } from '../http.ts'
import type { AuthSettings } from './settings.ts'
import type { OutgoingMessage } from './inbox.ts'
import { AuthError } from './errors.ts'

export interface AuthRequest {
  request: ServiceRequest
  /** The captures of the route's path pattern, e.g. the user id of `/admin/users/<id>`. */
  params: string[]
  query: URLSearchParams
  /** The JSON body; `{}` when there is none. */
  body: Record<string, unknown>
  sql: SqlSession
  settings: AuthSettings
  service: ServiceContext
  /** `<project url>/auth/v1`: the `iss` of access tokens and the base of emailed links. */
  baseUrl: string
  now: Date
  /** Emails and texts to deliver once the request's transaction has committed. */
  outbox: OutgoingMessage[]
}

export type AuthHandler = (auth: AuthRequest) => Promise<Response>

/** Parses a request body as GoTrue does: absent is `{}`, anything but a JSON object is 400. */
export function parseBody(text: string | null): Record<string, unknown> {
  if (!text || !text.trim()) return {}
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    const { message } = error as Error
    throw new AuthError(400, 'bad_json', `Could not parse request body as JSON: ${message}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AuthError(400, 'bad_json', 'Could not parse request body as JSON: expected an object')
  }
  return value as Record<string, unknown>
}

/** Reads an optional string field; a field of another type is a 400, as Go's decoder makes it. */
export function readString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw wrongType(key, 'string')
  return value
}

/** Reads an optional boolean field. */
export function readBoolean(body: Record<string, unknown>, key: string): boolean | undefined {
  const value = body[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'boolean') throw wrongType(key, 'bool')
  return value
}

/** Reads an optional JSON object field (metadata). */
export function readObject(
  body: Record<string, unknown>,
  key: string,
): Record<string, unknown> | undefined {
  const value = body[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'object' || Array.isArray(value)) throw wrongType(key, 'object')
  return value as Record<string, unknown>
}

function wrongType(key: string, type: string): AuthError {
  return new AuthError(
    400,
    'bad_json',
    `Could not parse request body as JSON: json: cannot unmarshal into field ${key} of type ${type}`,
  )
}
