/**
 * Admin endpoints that make links: `POST /invite` (emails the invitation) and
 * `POST /admin/generate_link` (returns the link and code instead of sending them), plus an
 * admin's view of a user's MFA factors.
 */
import { jsonResponse } from '../http.ts'
import type { AuthRequest } from './context.ts'
import { readObject, readString } from './context.ts'
import { badRequest, notFound, unprocessable } from './errors.ts'
import { requireAdmin } from './guards.ts'
import { buildVerifyLink, issueToken, readRedirect, sendEmail } from './one-time-tokens.ts'
import { createUserWithIdentity } from './signup.ts'
import { loadUser } from './admin-users.ts'
import { findUser, reloadUser, toUserJson, type UserRow } from './users.ts'
import { validateEmail, validatePassword } from './validate.ts'

const emailExists = () =>
  unprocessable('email_exists', 'A user with this email address has already been registered')

/** Handles `POST /invite`: creates the user if needed and emails an invitation link. */
export async function handleInvite(auth: AuthRequest): Promise<Response> {
  await requireAdmin(auth)
  const email = validateEmail(readString(auth.body, 'email'))
  const user = await findOrInvite(auth, email)
  await sendEmail(auth, user, 'invite', email)
  return jsonResponse(200, await toUserJson(auth.sql, await reloadUser(auth.sql, user.id)))
}

async function findOrInvite(auth: AuthRequest, email: string): Promise<UserRow> {
  const existing = await findUser(auth.sql, 'email', email)
  if (existing?.email_confirmed_at) throw emailExists()
  const user =
    existing ??
    (await createUserWithIdentity(auth, {
      provider: 'email',
      email,
      data: readObject(auth.body, 'data') ?? {},
    }))
  await auth.sql.query('update auth.users set invited_at = now() where id = $1', [user.id])
  return reloadUser(auth.sql, user.id)
}

const LINK_TYPES = [
  'signup',
  'invite',
  'magiclink',
  'recovery',
  'email_change_current',
  'email_change_new',
]

/** Handles `POST /admin/generate_link`: the user plus the link and code, nothing sent. */
export async function handleGenerateLink(auth: AuthRequest): Promise<Response> {
  await requireAdmin(auth)
  const { body, sql } = auth
  const type = readString(body, 'type') ?? ''
  if (!LINK_TYPES.includes(type)) {
    throw badRequest('validation_failed', 'Invalid email action link type requested')
  }
  const email = validateEmail(readString(body, 'email'))
  let user = await findUser(sql, 'email', email)
  let address = email
  let verificationType = type

  if (type === 'signup') {
    if (user?.email_confirmed_at) throw emailExists()
    const password = readString(body, 'password')
    if (!password) throw unprocessable('validation_failed', 'Signup requires a valid password')
    validatePassword(password, auth.settings)
    user ??= await createUserWithIdentity(auth, {
      provider: 'email',
      email,
      password,
      data: readObject(body, 'data') ?? {},
    })
  } else if (type === 'invite') {
    user = await findOrInvite(auth, email)
  } else if (!user) {
    throw notFound('user_not_found', 'User with this email not found')
  }

  if (type === 'email_change_current' || type === 'email_change_new') {
    const newEmail = validateEmail(readString(body, 'new_email'))
    if (await findUser(sql, 'email', newEmail)) throw emailExists()
    await sql.query(
      'update auth.users set email_change = $2, email_change_confirm_status = 0 where id = $1',
      [user.id, newEmail],
    )
    if (type === 'email_change_new') address = newEmail
    verificationType = 'email_change'
  }

  const tokenType =
    type === 'signup' || type === 'invite'
      ? 'confirmation_token'
      : type === 'email_change_current'
        ? 'email_change_token_current'
        : type === 'email_change_new'
          ? 'email_change_token_new'
          : 'recovery_token'
  const { otp, hash } = await issueToken(auth, user, tokenType, address)
  const redirectTo = readRedirect(auth)

  return jsonResponse(200, {
    ...(await toUserJson(sql, await reloadUser(sql, user.id))),
    action_link: buildVerifyLink(auth, hash, verificationType, redirectTo),
    email_otp: otp,
    hashed_token: hash,
    verification_type: verificationType,
    redirect_to: redirectTo,
  })
}

/** Handles `GET /admin/users/<id>/factors`. */
export async function handleAdminListFactors(auth: AuthRequest): Promise<Response> {
  await requireAdmin(auth)
  const user = await loadUser(auth, auth.params[0])
  const { rows } = await auth.sql.query(
    `select id, friendly_name, factor_type, status, created_at, updated_at
     from auth.mfa_factors where user_id = $1 order by created_at`,
    [user.id],
  )
  return jsonResponse(200, rows)
}

/** Handles `DELETE /admin/users/<id>/factors/<factor id>`: answers with the deleted factor. */
export async function handleAdminDeleteFactor(auth: AuthRequest): Promise<Response> {
  await requireAdmin(auth)
  const user = await loadUser(auth, auth.params[0])
  const { rows } = await auth.sql.query(
    `delete from auth.mfa_factors where user_id = $1 and id::text = $2
     returning id, friendly_name, factor_type, status, created_at, updated_at`,
    [user.id, auth.params[1]],
  )
  if (!rows[0]) throw notFound('mfa_factor_not_found', 'Factor not found')
  return jsonResponse(200, rows[0])
}
