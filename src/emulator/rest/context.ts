import type { Role, SqlSession } from '../db.ts'
import type { ServiceRequest } from '../http.ts'
import type { Claims } from '../keys.ts'
import type { RestError } from './errors.ts'
import type { SchemaCache } from './schema-cache.ts'

/** One REST request after authentication and schema selection: what each handler gets. */
export interface RestRequest {
  request: ServiceRequest
  /** The relation or function name from the path (`countries`, or `hello` for `/rpc/hello`). */
  name: string
  /** The schema from `Accept-Profile`/`Content-Profile`, or the first exposed one. */
  schema: string
  role: Role
  claims: Claims
  cache: SchemaCache
  /**
   * Runs SQL in the request's transaction, as its role with its claims; read-only for GET and
   * HEAD unless `isReadOnly` says otherwise.
   */
  run<T>(
    work: (session: SqlSession) => Promise<T>,
    shouldRollback?: (result: T) => boolean,
    isReadOnly?: boolean,
  ): Promise<T>
  /** Emits a `not-yet` trace event and returns the 501 error to throw. */
  notYet(feature: string): RestError
}

export type RestHandler = (rest: RestRequest) => Promise<Response>
