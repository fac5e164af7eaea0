/**
 * `POST /token?grant_type=...`: password sign-in, refresh-token rotation and the PKCE code
 * exchange. The `id_token` grant lives with the other third-party flows in `providers.ts`.
 */
import { jsonResponse } from '../http.ts'
import type { AuthRequest } from './context.ts'
import { readString } from './context.ts'
import { verifyPassword } from './crypto.ts'
import { AuthError, badRequest, notYet, toErrorResponse, unprocessable } from './errors.ts'
import { redeemAuthCode } from './pkce.ts'
import {
  insertRefreshToken,
  issueTokens,
  startSession,
  writeAuditLog,
  type AuthMethod,
  type SessionRow,
} from './sessions.ts'
import { findUser, isBanned } from './users.ts'
import { validatePhone } from './validate.ts'
import { handleIdTokenGrant } from './providers.ts'

/** Handles `POST /token`, dispatching on `grant_type`. */
export async function handleToken(auth: AuthRequest): Promise<Response> {
  const grantType = auth.query.get('grant_type')
  if (grantType === 'password') return grantPassword(auth)
  if (grantType === 'refresh_token') return grantRefreshToken(auth)
  if (grantType === 'pkce') return grantPkce(auth)
  if (grantType === 'id_token') return handleIdTokenGrant(auth)
  // Not yet: Web3 (Ethereum and Solana wallet) sign-in; it answers 501 sandbase_not_yet.
  if (grantType === 'web3') throw notYet('the web3 grant')
  throw badRequest('validation_failed', 'unsupported_grant_type')
}

const INVALID_LOGIN = 'Invalid login credentials'

async function grantPassword(auth: AuthRequest): Promise<Response> {
  const { body, settings, sql } = auth
  const email = readString(body, 'email')
  const phone = readString(body, 'phone')
  const password = readString(body, 'password') ?? ''
  if (email && phone) {
    throw unprocessable(
      'validation_failed',
      'Only an email address or phone number should be provided on login.',
    )
  }
  if (!email && !phone) throw badRequest('invalid_credentials', INVALID_LOGIN)
  if (email && !settings.external_email_enabled) {
    throw badRequest('email_provider_disabled', 'Email logins are disabled')
  }
  if (phone && !settings.external_phone_enabled) {
    throw badRequest('phone_provider_disabled', 'Phone logins are disabled')
  }

  const user = email
    ? await findUser(sql, 'email', email)
    : await findUser(sql, 'phone', validatePhone(phone))
  if (!user || !(await verifyPassword(password, user.encrypted_password))) {
    throw badRequest('invalid_credentials', INVALID_LOGIN)
  }
  if (isBanned(user, auth.now)) throw badRequest('user_banned', 'User is banned')
  if (email && !user.email_confirmed_at) {
    throw badRequest('email_not_confirmed', 'Email not confirmed')
  }
  if (phone && !user.phone_confirmed_at) {
    throw badRequest('phone_not_confirmed', 'Phone not confirmed')
  }
  return jsonResponse(200, await startSession(auth, user, 'password'))
}

interface RefreshTokenRow {
  id: string
  token: string
  user_id: string
  revoked: boolean
  updated_at: Date
  session_id: string
}

async function grantRefreshToken(auth: AuthRequest): Promise<Response> {
  const { sql } = auth
  const token = readString(auth.body, 'refresh_token')
  if (!token) throw badRequest('validation_failed', 'refresh_token required')

  const { rows } = await sql.query<RefreshTokenRow>(
    'select * from auth.refresh_tokens where token = $1',
    [token],
  )
  const current = rows[0]
  if (!current) {
    throw badRequest('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found')
  }
  const user = await findUser(sql, 'id', current.user_id)
  if (!user) {
    throw badRequest('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found')
  }
  if (isBanned(user, auth.now))
    throw badRequest('user_banned', 'Invalid Refresh Token: User Banned')
  const { rows: sessions } = await sql.query<SessionRow>(
    'select * from auth.sessions where id = $1',
    [current.session_id],
  )
  const session = sessions[0]

  if (current.revoked) {
    // Within the reuse interval, a client that lost the answer to its last refresh (two tabs,
    // a dropped response) gets the token that replaced this one instead of an error.
    // Simplified from GoTrue: only the direct child of the token counts, not a longer chain.
    const reuseUntil =
      current.updated_at.getTime() + auth.settings.refresh_token_reuse_interval * 1000
    const { rows: children } = await sql.query<RefreshTokenRow>(
      'select * from auth.refresh_tokens where parent = $1 and revoked = false',
      [current.token],
    )
    if (children[0] && auth.now.getTime() <= reuseUntil) {
      return jsonResponse(200, await issueTokens(auth, user.id, session, children[0].token))
    }
    // A reused token outside the interval may be stolen: GoTrue ends the whole session.
    await sql.query('delete from auth.sessions where id = $1', [current.session_id])
    await writeAuditLog(auth, user, 'token_revoked', { reason: 'refresh_token_reused' })
    return toErrorResponse(
      badRequest('refresh_token_already_used', 'Invalid Refresh Token: Already Used'),
      auth.request,
    )
  }

  await sql.query(
    'update auth.refresh_tokens set revoked = true, updated_at = now() where id = $1',
    [current.id],
  )
  const next = await insertRefreshToken(auth, user.id, session.id, current.token)
  await sql.query(
    `update auth.sessions set refreshed_at = now()::timestamp, updated_at = now() where id = $1`,
    [session.id],
  )
  await writeAuditLog(auth, user, 'token_refreshed')
  return jsonResponse(200, await issueTokens(auth, user.id, session, next))
}

async function grantPkce(auth: AuthRequest): Promise<Response> {
  const flow = await redeemAuthCode(auth)
  const user = await findUser(auth.sql, 'id', flow.user_id ?? '')
  if (!user) throw new AuthError(404, 'user_not_found', 'User not found')
  // The flow remembers how the user proved who they are; that becomes the session's amr.
  const method = flow.authentication_method as AuthMethod
  return jsonResponse(200, await startSession(auth, user, method))
}
