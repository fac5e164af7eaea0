/**
 * The signed-in user's own endpoints: `GET /user`, `PUT /user` (metadata, password, email,
 * phone), `GET /reauthenticate` and `POST /logout`.
 */
import { createResponse, jsonResponse } from '../http.ts'
import type { AuthRequest } from './context.ts'
import { readObject, readString } from './context.ts'
import { hashPassword, hashToken, verifyPassword } from './crypto.ts'
import { AuthError, badRequest, unprocessable } from './errors.ts'
import { requireUser, type Authenticated } from './guards.ts'
import { clearToken, isTokenValid, sendEmail, sendSms } from './one-time-tokens.ts'
import { createFlowState, readChallenge } from './pkce.ts'
import { writeAuditLog } from './sessions.ts'
import { findUser, reloadUser, toUserJson } from './users.ts'
import { validateEmail, validatePassword, validatePhone } from './validate.ts'
import { applyEmailChange, applyPhoneChange } from './changes.ts'

/** Handles `GET /user`. */
export async function handleGetUser(auth: AuthRequest): Promise<Response> {
  const { user } = await requireUser(auth)
  return jsonResponse(200, await toUserJson(auth.sql, user))
}

/** Handles `PUT /user`. */
export async function handleUpdateUser(auth: AuthRequest): Promise<Response> {
  const signedIn = await requireUser(auth)
  const { user } = signedIn
  const { body, sql } = auth
  const data = readObject(body, 'data')
  const password = readString(body, 'password')
  const email = readString(body, 'email')
  const phone = readString(body, 'phone')

  await checkSensitiveChange(auth, signedIn, { password, email, phone })
  if (data) {
    // GoTrue merges key by key; a key set to null is removed.
    await sql.query(
      `update auth.users set raw_user_meta_data = jsonb_strip_nulls(
         coalesce(raw_user_meta_data, '{}'::jsonb) || $2::jsonb), updated_at = now()
       where id = $1`,
      [user.id, data],
    )
  }
  if (password !== undefined) await updatePassword(auth, signedIn, password)
  if (email !== undefined && validateEmail(email) !== user.email) {
    await updateEmail(auth, signedIn, validateEmail(email))
  }
  if (phone !== undefined && validatePhone(phone) !== user.phone) {
    await updatePhone(auth, signedIn, validatePhone(phone))
  }

  await writeAuditLog(auth, user, 'user_modified')
  return jsonResponse(200, await toUserJson(sql, await reloadUser(sql, user.id)))
}

async function updatePassword(
  auth: AuthRequest,
  { user, session }: Authenticated,
  password: string,
) {
  validatePassword(password, auth.settings)
  const nonce = readString(auth.body, 'nonce')
  const isSessionOld =
    !session || auth.now.getTime() - session.created_at.getTime() > 24 * 3600 * 1000
  if (auth.settings.security_update_password_require_reauthentication && isSessionOld && !nonce) {
    throw badRequest('reauthentication_needed', 'Password update requires reauthentication')
  }
  // Stricter than GoTrue, which checks a nonce only when the setting requires one: a lesson
  // can then show a wrong nonce being refused without changing settings.
  if (nonce) {
    const address = user.email || user.phone || ''
    const hash = await hashToken(address, nonce)
    if (
      !isTokenValid(user, 'reauthentication_token', hash, auth.settings.mailer_otp_exp, auth.now)
    ) {
      throw badRequest('reauthentication_not_valid', 'Requested nonce is invalid')
    }
    await clearToken(auth, user.id, 'reauthentication_token')
  }
  if (await verifyPassword(password, user.encrypted_password)) {
    throw unprocessable('same_password', 'New password should be different from the old password.')
  }

  await auth.sql.query(
    'update auth.users set encrypted_password = $2, updated_at = now() where id = $1',
    [user.id, await hashPassword(password)],
  )
  // A new password ends every other session of the user, as GoTrue does.
  if (session) {
    await auth.sql.query('delete from auth.sessions where user_id = $1 and id <> $2', [
      user.id,
      session.id,
    ])
  }
  await writeAuditLog(auth, user, 'user_updated_password')
}

async function updateEmail(auth: AuthRequest, { user }: Authenticated, email: string) {
  const taken = await findUser(auth.sql, 'email', email)
  if (taken && taken.id !== user.id) {
    throw unprocessable(
      'email_exists',
      'A user with this email address has already been registered',
    )
  }
  await auth.sql.query(
    `update auth.users set email_change = $2, email_change_confirm_status = 0 where id = $1`,
    [user.id, email],
  )
  const pending = await reloadUser(auth.sql, user.id)
  // Only an anonymous user skips the confirmation, much like signing up; a permanent user
  // always confirms a new address, whatever the autoconfirm setting.
  if (user.is_anonymous && auth.settings.mailer_autoconfirm) {
    await applyEmailChange(auth, pending)
    return
  }

  const challenge = readChallenge(auth.body)
  if (challenge) await createFlowState(auth, challenge, 'email', 'email_change', user.id)
  await sendEmail(auth, pending, 'email_change_new', email)
  // Secure email change asks the old address too; an anonymous user has none to ask.
  if (auth.settings.mailer_secure_email_change_enabled && user.email) {
    await sendEmail(auth, await reloadUser(auth.sql, user.id), 'email_change_current', user.email)
  }
}

async function updatePhone(auth: AuthRequest, { user }: Authenticated, phone: string) {
  const taken = await findUser(auth.sql, 'phone', phone)
  if (taken && taken.id !== user.id) {
    throw unprocessable('phone_exists', 'A user with this phone number has already been registered')
  }
  await auth.sql.query('update auth.users set phone_change = $2 where id = $1', [user.id, phone])
  const pending = await reloadUser(auth.sql, user.id)
  if (auth.settings.sms_autoconfirm) {
    await applyPhoneChange(auth, pending)
    return
  }
  await sendSms(auth, pending, 'phone_change', phone)
}

/** GoTrue's guards on changing a password, email or phone, before anything is written. */
async function checkSensitiveChange(
  auth: AuthRequest,
  { user, session }: Authenticated,
  change: { password?: string; email?: string; phone?: string },
) {
  const isChangingEmail = Boolean(change.email) && change.email?.toLowerCase() !== user.email
  const isChangingPhone = Boolean(change.phone)
  const isChangingPassword = Boolean(change.password)
  if (!isChangingEmail && !isChangingPhone && !isChangingPassword) return

  const { rows } = await auth.sql.query(
    `select 1 from auth.mfa_factors where user_id = $1 and status = 'verified' limit 1`,
    [user.id],
  )
  if (rows.length && session?.aal !== 'aal2' && session?.aal !== 'aal3') {
    throw new AuthError(
      401,
      'insufficient_aal',
      'AAL2 session is required to update email or password when MFA is enabled.',
    )
  }
  if (user.is_anonymous && isChangingPassword && !change.email && !change.phone) {
    throw unprocessable(
      'validation_failed',
      'Updating password of an anonymous user without an email or phone is not allowed',
    )
  }
  if (user.is_sso_user) {
    throw unprocessable(
      'user_sso_managed',
      'Updating email, phone, password of a SSO account only possible via SSO',
    )
  }
}

/** Handles `GET /reauthenticate`: sends a nonce to the user's email, or else their phone. */
export async function handleReauthenticate(auth: AuthRequest): Promise<Response> {
  const { user } = await requireUser(auth)
  if (user.email) {
    await sendEmail(auth, user, 'reauthentication', user.email)
  } else if (user.phone) {
    await sendSms(auth, user, 'reauthentication', user.phone)
  } else {
    throw unprocessable(
      'validation_failed',
      'Reauthentication requires the user to have an email or a phone number',
    )
  }
  return jsonResponse(200, {})
}

/** Handles `POST /logout?scope=global|local|others`. */
export async function handleLogout(auth: AuthRequest): Promise<Response> {
  const { user, session } = await requireUser(auth)
  const scope = auth.query.get('scope') || 'global'
  if (!['global', 'local', 'others'].includes(scope)) {
    throw badRequest('validation_failed', `Unsupported logout scope "${scope}"`)
  }

  if (scope === 'global' || !session) {
    await auth.sql.query('delete from auth.sessions where user_id = $1', [user.id])
  } else if (scope === 'local') {
    await auth.sql.query('delete from auth.sessions where id = $1', [session.id])
  } else {
    await auth.sql.query('delete from auth.sessions where user_id = $1 and id <> $2', [
      user.id,
      session.id,
    ])
  }
  await writeAuditLog(auth, user, 'logout', { scope })
  return createResponse(204, null)
}
