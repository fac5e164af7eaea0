/**
 * The checks GoTrue runs before a handler: a bearer token that verifies with the project's
 * secret, then the user and session its `sub` and `session_id` name; or, for `/admin`, a
 * token whose role is `service_role`.
 */
import { readBearerToken } from '../http.ts'
import { verifyJwt, type Claims } from '../keys.ts'
import type { AuthRequest } from './context.ts'
import { AuthError, forbidden } from './errors.ts'
import { findUser, isBanned, type UserRow } from './users.ts'
import type { SessionRow } from './sessions.ts'

export interface Authenticated {
  claims: Claims
  user: UserRow
  session: SessionRow | null
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

// jose's failure kinds, worded as the Go JWT library GoTrue uses words them.
const JWT_FAILURES = {
  expired: 'token has invalid claims: token is expired',
  'invalid-signature': 'token signature is invalid: signature is invalid',
  'invalid-claims': 'token has invalid claims',
  malformed: 'token is malformed: token contains an invalid number of segments',
}

/** Verifies the bearer token and returns its claims. */
export async function requireClaims(auth: AuthRequest): Promise<Claims> {
  const token = readBearerToken(auth.request.headers)
  if (!token) {
    throw new AuthError(401, 'no_authorization', 'This endpoint requires a valid Bearer token')
  }
  const verified = await verifyJwt(token, auth.service.keys.jwtSecret)
  if (!verified.ok) {
    throw forbidden(
      'bad_jwt',
      `invalid JWT: unable to parse or verify signature, ${JWT_FAILURES[verified.failure]}`,
    )
  }
  return verified.claims
}

/** Loads the signed-in user and session, failing as GoTrue does when either is gone. */
export async function requireUser(auth: AuthRequest): Promise<Authenticated> {
  const claims = await requireClaims(auth)
  const { sub, session_id: sessionId } = claims
  if (!sub) throw forbidden('bad_jwt', 'invalid claim: missing sub claim')
  if (!UUID.test(sub))
    throw new AuthError(400, 'bad_jwt', 'invalid claim: sub claim must be a UUID')

  const user = await findUser(auth.sql, 'id', sub)
  if (!user) throw forbidden('user_not_found', 'User from sub claim in JWT does not exist')

  let session: SessionRow | null = null
  if (typeof sessionId === 'string' && sessionId) {
    if (!UUID.test(sessionId)) {
      throw forbidden('bad_jwt', 'invalid claim: session_id claim must be a UUID')
    }
    const { rows } = await auth.sql.query<SessionRow>('select * from auth.sessions where id = $1', [
      sessionId,
    ])
    session = rows[0] ?? null
    if (!session) {
      throw forbidden('session_not_found', 'Session from session_id claim in JWT does not exist')
    }
  }
  if (isBanned(user, auth.now)) throw forbidden('user_banned', 'User is banned')
  return { claims, user, session }
}

/** Requires the service_role key (or any token whose role is service_role). */
export async function requireAdmin(auth: AuthRequest): Promise<Claims> {
  const claims = await requireClaims(auth)
  if (claims.role !== 'service_role' && claims.role !== 'supabase_admin') {
    throw forbidden('not_admin', 'User not allowed')
  }
  return claims
}
