/**
 * `/verify`: a code typed by the user (`POST`, with the email or phone it was sent to) or a
 * link's token hash (`POST` with `token_hash`, or `GET` from the emailed link, which
 * redirects with the session in the URL fragment, or with `?code=` in the PKCE flow).
 */
import { createResponse, jsonResponse } from '../http.ts'
import type { AuthRequest } from './context.ts'
import { readString } from './context.ts'
import { hashToken } from './crypto.ts'
import { AuthError, badRequest, forbidden } from './errors.ts'
import {
  clearToken,
  isTokenValid,
  readRedirect,
  withQuery,
  type TokenType,
} from './one-time-tokens.ts'
import { findFlowState, issueAuthCode } from './pkce.ts'
import { startSession, type AuthMethod, type TokenResponse } from './sessions.ts'
import { confirmEmail, confirmPhone } from './confirm.ts'
import { applyEmailChange, applyPhoneChange } from './changes.ts'
import { reloadUser, type UserRow } from './users.ts'

type VerifyType =
  'signup' | 'invite' | 'magiclink' | 'recovery' | 'email_change' | 'email' | 'sms' | 'phone_change'

const TOKENS: Record<VerifyType, TokenType[]> = {
  signup: ['confirmation_token'],
  invite: ['confirmation_token'],
  magiclink: ['recovery_token'],
  recovery: ['recovery_token'],
  email_change: ['email_change_token_current', 'email_change_token_new'],
  email: ['confirmation_token', 'recovery_token'],
  sms: ['confirmation_token'],
  phone_change: ['phone_change_token'],
}

const METHODS: Record<VerifyType, AuthMethod> = {
  signup: 'email/signup',
  invite: 'invite',
  magiclink: 'magiclink',
  recovery: 'recovery',
  email_change: 'email_change',
  email: 'otp',
  sms: 'otp',
  phone_change: 'otp',
}

const INVALID = () => forbidden('otp_expired', 'Token has expired or is invalid')

const EMAIL_CHANGE_HALFWAY =
  'Confirmation link accepted. Please proceed to confirm link sent to the other email'

type Outcome = { session: TokenResponse | null } | { message: string }

/** Handles `POST /verify`. */
export async function handleVerifyPost(auth: AuthRequest): Promise<Response> {
  const type = readType(readString(auth.body, 'type'))
  const tokenHash = readString(auth.body, 'token_hash')
  const found = tokenHash
    ? await findByHash(auth, type, tokenHash)
    : await findByCode(auth, type, readString(auth.body, 'token') ?? '')

  const outcome = await complete(auth, type, found.user, found.tokenType)
  if ('message' in outcome) return jsonResponse(200, { msg: outcome.message, code: 200 })
  return jsonResponse(200, outcome.session)
}

/** Handles `GET /verify` from an emailed link: always a redirect, success or not. */
export async function handleVerifyGet(auth: AuthRequest): Promise<Response> {
  const redirectTo = readRedirect(auth)
  try {
    const type = readType(auth.query.get('type') ?? '')
    if (!['signup', 'invite', 'magiclink', 'recovery', 'email_change'].includes(type)) {
      throw badRequest('validation_failed', 'Unsupported verification type')
    }
    const found = await findByHash(auth, type, auth.query.get('token') ?? '')
    const flow = await findFlowState(auth, found.user.id, METHODS[type])
    const outcome = await complete(auth, type, found.user, found.tokenType, Boolean(flow))

    if ('message' in outcome) {
      return redirect(`${redirectTo}#${new URLSearchParams({ message: outcome.message })}`)
    }
    if (flow)
      return redirect(withQuery(redirectTo, 'code', await issueAuthCode(auth, flow, found.user.id)))
    if (!outcome.session) throw INVALID()
    const { access_token, expires_at, expires_in, refresh_token, token_type } = outcome.session
    const fragment = new URLSearchParams({
      access_token,
      expires_at: String(expires_at),
      expires_in: String(expires_in),
      refresh_token,
      token_type,
      type,
    })
    return redirect(`${redirectTo}#${fragment}`)
  } catch (error) {
    if (!(error instanceof AuthError)) throw error
    const fragment = new URLSearchParams({
      error: error.status === 403 ? 'access_denied' : 'invalid_request',
      error_code: error.code,
      error_description:
        error.code === 'otp_expired' ? 'Email link is invalid or has expired' : error.message,
    })
    return redirect(`${redirectTo}#${fragment}`)
  }
}

function readType(type: string | undefined): VerifyType {
  if (!type || !(type in TOKENS)) {
    throw badRequest('validation_failed', 'Verify requires a verification type')
  }
  return type as VerifyType
}

interface Found {
  user: UserRow
  tokenType: TokenType
}

async function findByHash(auth: AuthRequest, type: VerifyType, hash: string): Promise<Found> {
  if (!hash) throw INVALID()
  for (const tokenType of TOKENS[type]) {
    const { rows } = await auth.sql.query<UserRow>(
      `select * from auth.users where ${tokenType} = $1 and deleted_at is null limit 1`,
      [hash],
    )
    const user = rows[0]
    if (user && isTokenValid(user, tokenType, hash, lifetimeOf(auth, type), auth.now)) {
      return { user, tokenType }
    }
  }
  throw INVALID()
}

async function findByCode(auth: AuthRequest, type: VerifyType, code: string): Promise<Found> {
  const isPhone = type === 'sms' || type === 'phone_change'
  const address = readString(auth.body, isPhone ? 'phone' : 'email')
  if (!address || !code) {
    throw badRequest(
      'validation_failed',
      `Only an ${isPhone ? 'phone' : 'email'} address or token hash should be provided on verify`,
    )
  }
  const normalized = isPhone ? address.replace(/[\s+\-()]/g, '') : address.toLowerCase()
  const column = type === 'phone_change' ? 'phone_change' : isPhone ? 'phone' : 'lower(email)'
  const alsoPending = type === 'email_change' ? ' or lower(email_change) = $1' : ''
  const { rows } = await auth.sql.query<UserRow>(
    `select * from auth.users where (${column} = $1${alsoPending}) and deleted_at is null`,
    [normalized],
  )
  const hash = await hashToken(normalized, code)
  for (const user of rows) {
    for (const tokenType of TOKENS[type]) {
      if (isTokenValid(user, tokenType, hash, lifetimeOf(auth, type), auth.now)) {
        return { user, tokenType }
      }
    }
  }
  throw INVALID()
}

function lifetimeOf(auth: AuthRequest, type: VerifyType): number {
  const isPhone = type === 'sms' || type === 'phone_change'
  return isPhone ? auth.settings.sms_otp_exp : auth.settings.mailer_otp_exp
}

async function complete(
  auth: AuthRequest,
  type: VerifyType,
  user: UserRow,
  tokenType: TokenType,
  isPkce = false,
): Promise<Outcome> {
  await clearToken(auth, user.id, tokenType)

  if (type === 'email_change') {
    // Secure email change waits for the second address while its code is still pending.
    const other =
      tokenType === 'email_change_token_current'
        ? user.email_change_token_new
        : user.email_change_token_current
    const isSecure = auth.settings.mailer_secure_email_change_enabled && Boolean(other)
    if (isSecure && user.email_change_confirm_status === 0) {
      await auth.sql.query('update auth.users set email_change_confirm_status = 1 where id = $1', [
        user.id,
      ])
      return { message: EMAIL_CHANGE_HALFWAY }
    }
    await applyEmailChange(auth, user)
  } else if (type === 'phone_change') {
    await applyPhoneChange(auth, user)
  } else if (type === 'sms') {
    await confirmPhone(auth, user)
  } else {
    await confirmEmail(auth, user)
  }

  const fresh = await reloadUser(auth.sql, user.id)
  // In the PKCE flow the session is made when the code is exchanged, not here.
  if (isPkce) return { session: null }
  return { session: await startSession(auth, fresh, METHODS[type]) }
}

function redirect(location: string): Response {
  return createResponse(303, null, { location })
}
