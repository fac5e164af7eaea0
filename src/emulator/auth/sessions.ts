/**
 * Sessions, refresh tokens and access tokens. A session row holds the assurance level; each
 * sign-in method used in it is an `auth.mfa_amr_claims` row; refresh tokens form a chain
 * (`parent`) per session and rotate on every refresh, as GoTrue's do.
 */
import { signJwt, type Claims } from '../keys.ts'
import type { AuthRequest } from './context.ts'
import { createRandomToken } from './crypto.ts'
import { toUserJson, type UserRow } from './users.ts'

export type AuthMethod =
  | 'password'
  | 'otp'
  | 'magiclink'
  | 'email/signup'
  | 'invite'
  | 'recovery'
  | 'email_change'
  | 'sms/signup'
  | 'anonymous'
  | 'oauth'
  | 'sso/saml'
  | 'id_token'
  | 'totp'
  | 'token_refresh'

export interface SessionRow {
  id: string
  user_id: string
  aal: 'aal1' | 'aal2' | 'aal3'
  factor_id: string | null
  created_at: Date
}

/** The body of every successful sign-in: the session fields and the user. */
export interface TokenResponse {
  access_token: string
  token_type: 'bearer'
  expires_in: number
  expires_at: number
  refresh_token: string
  user: Record<string, unknown>
  [extra: string]: unknown
}

/** Starts a session for a user signed in with `method`, and records the sign-in. */
export async function startSession(
  auth: AuthRequest,
  user: UserRow,
  method: AuthMethod,
): Promise<TokenResponse> {
  const { sql } = auth
  const { rows } = await sql.query<SessionRow>(
    `insert into auth.sessions (id, user_id, created_at, updated_at, aal, user_agent)
     values (gen_random_uuid(), $1, now(), now(), 'aal1', $2) returning *`,
    [user.id, auth.request.headers['user-agent'] ?? null],
  )
  const session = rows[0]
  await addAmrClaim(auth, session.id, method)
  await sql.query(
    'update auth.users set last_sign_in_at = now(), updated_at = now() where id = $1',
    [user.id],
  )
  await sql.query('update auth.identities set last_sign_in_at = now() where user_id = $1', [
    user.id,
  ])
  await writeAuditLog(auth, user, 'login', { provider: method })

  const refreshToken = await insertRefreshToken(auth, user.id, session.id, null)
  return issueTokens(auth, user.id, session, refreshToken)
}

/** Records that a sign-in method was used in a session (its `amr`). */
export async function addAmrClaim(auth: AuthRequest, sessionId: string, method: AuthMethod) {
  await auth.sql.query(
    `insert into auth.mfa_amr_claims (session_id, created_at, updated_at, authentication_method)
     values ($1, now(), now(), $2)
     on conflict (session_id, authentication_method) do update set updated_at = now()`,
    [sessionId, method],
  )
}

/** Stores a new refresh token in a session's chain. */
export async function insertRefreshToken(
  auth: AuthRequest,
  userId: string,
  sessionId: string,
  parent: string | null,
): Promise<string> {
  const token = createRandomToken(9)
  await auth.sql.query(
    `insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at,
       updated_at, parent, session_id)
     values ('00000000-0000-0000-0000-000000000000', $1, $2, false, now(), now(), $3, $4)`,
    [token, userId, parent, sessionId],
  )
  return token
}

/** Signs a fresh access token for a session and builds the token response. */
export async function issueTokens(
  auth: AuthRequest,
  userId: string,
  session: SessionRow,
  refreshToken: string,
): Promise<TokenResponse> {
  const { rows } = await auth.sql.query<UserRow>('select * from auth.users where id = $1', [userId])
  const user = rows[0]
  const access = await signAccessToken(auth, user, session)
  return {
    access_token: access.token,
    token_type: 'bearer',
    expires_in: auth.settings.jwt_exp,
    expires_at: access.expiresAt,
    refresh_token: refreshToken,
    user: await toUserJson(auth.sql, user),
  }
}

/** Signs the access token GoTrue issues, with the session's `aal` and `amr`. */
export async function signAccessToken(auth: AuthRequest, user: UserRow, session: SessionRow) {
  const { rows: amr } = await auth.sql.query<{ method: string; timestamp: number }>(
    `select authentication_method as method,
       extract(epoch from updated_at)::bigint::int as timestamp
     from auth.mfa_amr_claims where session_id = $1 order by updated_at desc`,
    [session.id],
  )
  const iat = Math.floor(auth.now.getTime() / 1000)
  const expiresAt = iat + auth.settings.jwt_exp
  const claims: Claims = {
    iss: auth.baseUrl,
    sub: user.id,
    aud: user.aud,
    exp: expiresAt,
    iat,
    email: user.email ?? '',
    phone: user.phone ?? '',
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    role: user.role,
    aal: session.aal,
    amr,
    session_id: session.id,
    is_anonymous: user.is_anonymous,
  }
  return { token: await signJwt(claims, auth.service.keys.jwtSecret), expiresAt }
}

/** Appends an `auth.audit_log_entries` row, as GoTrue logs each account event. */
export async function writeAuditLog(
  auth: AuthRequest,
  actor: UserRow | null,
  action: string,
  traits: Record<string, unknown> = {},
) {
  const payload = {
    action,
    actor_id: actor?.id ?? '00000000-0000-0000-0000-000000000000',
    actor_username: actor?.email || actor?.phone || '',
    actor_via_sso: actor?.is_sso_user ?? false,
    log_type: action === 'login' || action === 'logout' ? 'account' : 'user',
    traits,
  }
  await auth.sql.query(
    `insert into auth.audit_log_entries (instance_id, payload, created_at)
     values ('00000000-0000-0000-0000-000000000000', $1, now())`,
    [payload],
  )
}
