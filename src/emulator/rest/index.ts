/**
 * The PostgREST service at `/rest/v1`: authenticate (JWT → role and claims), pick the schema,
 * then hand the request to the read, mutate or rpc pipeline. Mirrors PostgREST's `App.hs`.
 */
import type { ServiceContext } from '../context.ts'
import type { Role } from '../db.ts'
import { isDatabaseError, runInRequest } from '../db.ts'
import { createResponse, readBearerToken, type ServiceRequest } from '../http.ts'
import { verifyJwt, type Claims } from '../keys.ts'
import type { RestRequest } from './context.ts'
import { errorResponse, fromDatabaseError, notYet, RestError } from './errors.ts'
import { createSchemaCacheHolder } from './schema-cache.ts'
import { handleRead } from './read.ts'
import { handleMutation } from './mutate.ts'
import { handleRpc } from './rpc.ts'

const API_ROLES: Role[] = ['anon', 'authenticated', 'service_role']

/** Creates the `/rest/v1` handler. */
export function createRestService(context: ServiceContext) {
  const { getDb, tracer } = context
  const schemaCache = createSchemaCacheHolder(getDb)

  return async function handleRest(request: ServiceRequest, subpath: string): Promise<Response> {
    let role: Role = 'anon'
    try {
      const auth = await authenticate(request, context.keys.jwtSecret)
      role = auth.role
      const cache = await schemaCache.get()
      const schema = selectSchema(request, cache.schemas)
      const segments = subpath.split('/').filter(Boolean).map(decodeSegment)
      const [first, second] = segments
      const isRpc = first === 'rpc' && segments.length > 1
      const isReadOnly = request.method === 'GET' || request.method === 'HEAD'

      const rest: RestRequest = {
        request,
        name: isRpc ? second : (first ?? ''),
        schema,
        role: auth.role,
        claims: auth.claims,
        cache,
        run: (work, shouldRollback, isReadOnlyCall = isReadOnly) =>
          runInRequest(
            getDb(),
            tracer,
            {
              requestId: request.requestId,
              role: auth.role,
              claims: auth.claims,
              method: request.method,
              path: request.url.pathname.replace(/^\/rest\/v1/, ''),
              headers: request.headers,
              // PostgREST runs GET and HEAD read-only: a view or function that writes fails
              // with 25006 instead of changing data on a read.
              isReadOnly: isReadOnlyCall,
            },
            work,
            shouldRollback,
          ),
        notYet(feature) {
          tracer.emit({
            type: 'not-yet',
            requestId: request.requestId,
            feature,
            message: `Not yet: ${feature}`,
          })
          return notYet(feature)
        },
      }

      if (request.method === 'OPTIONS') {
        return createResponse(200, null, { allow: 'OPTIONS,GET,HEAD,POST,PUT,PATCH,DELETE' })
      }
      if (!first) throw rest.notYet('the OpenAPI description at the root path')
      // A table is one segment and a function two (`rpc/<name>`); a bare `rpc` is a table.
      if (segments.length > (isRpc ? 2 : 1)) {
        throw new RestError(404, 'PGRST125', 'Invalid path specified in request URL')
      }
      const handle = isRpc ? handleRpc : isReadOnly ? handleRead : handleMutation
      return nameProfile(await handle(rest), schema, cache.schemas)
    } catch (error) {
      // HTTP carries no body in the answer to HEAD, an error's included; postgrest-js reads
      // an empty 404 as 204 No Content.
      const isHead = request.method === 'HEAD'
      if (error instanceof RestError) return errorResponse(error, isHead)
      if (isDatabaseError(error)) return errorResponse(fromDatabaseError(error, role), isHead)
      throw error
    }
  }
}

// With more than one exposed schema, PostgREST names the schema of an answer with a body:
// Content-Profile goes with Content-Type. One a function set itself is kept.
function nameProfile(response: Response, schema: string, schemas: string[]): Response {
  const { headers } = response
  if (schemas.length > 1 && headers.has('content-type') && !headers.has('content-profile')) {
    headers.set('content-profile', schema)
  }
  return response
}

// A segment that does not percent-decode is taken as written: it then names no table or
// function, and the answer is PostgREST's 404 rather than a crash.
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

/** Verifies the bearer token like PostgREST: no token is anon, a bad one is a 401. */
async function authenticate(
  request: ServiceRequest,
  jwtSecret: string,
): Promise<{ role: Role; claims: Claims }> {
  const token = readBearerToken(request.headers)
  if (!token) return { role: 'anon', claims: { role: 'anon' } }

  const verified = await verifyJwt(token, jwtSecret)
  if (!verified.ok) {
    const wwwAuthenticate = { 'www-authenticate': 'Bearer error="invalid_token"' }
    if (verified.failure === 'expired') {
      throw new RestError(401, 'PGRST303', 'JWT expired', null, null, wwwAuthenticate)
    }
    const message =
      verified.failure === 'invalid-signature'
        ? 'JWSError JWSInvalidSignature'
        : 'JWSError (CompactDecodeError Invalid number of parts: Expected 3 parts; got 1)'
    throw new RestError(401, 'PGRST301', message, null, null, wwwAuthenticate)
  }

  const role = (verified.claims.role ?? 'anon') as Role
  if (!API_ROLES.includes(role)) {
    throw new RestError(401, 'PGRST301', `role "${role}" is not allowed through the API`)
  }
  return { role, claims: verified.claims }
}

/** `Accept-Profile` for reads, `Content-Profile` for writes, as PostgREST reads them. */
function selectSchema(request: ServiceRequest, schemas: string[]): string {
  const isRead = request.method === 'GET' || request.method === 'HEAD'
  const header = isRead ? request.headers['accept-profile'] : request.headers['content-profile']
  if (!header) return schemas[0]
  if (!schemas.includes(header)) {
    throw new RestError(
      406,
      'PGRST106',
      `The schema must be one of the following: ${schemas.join(', ')}`,
    )
  }
  return header
}
