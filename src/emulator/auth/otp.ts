/**
 * Endpoints that only send something: `POST /otp` (magic link and code by email, code by
 * text), `POST /recover` (password reset email) and `POST /resend`. Each answers `{}` (or
 * `{ message_id }` for a text) and leaves the message in the Inbox.
 */
import { jsonResponse } from '../http.ts'
import type { AuthRequest } from './context.ts'
import { readBoolean, readObject, readString } from './context.ts'
import { badRequest, unprocessable } from './errors.ts'
import { createFlowState, readChallenge } from './pkce.ts'
import { sendEmail, sendSms } from './one-time-tokens.ts'
import { createUserWithIdentity } from './signup.ts'
import { confirmEmail } from './confirm.ts'
import { writeAuditLog } from './sessions.ts'
import { findUser, reloadUser, type UserRow } from './users.ts'
import { validateEmail, validatePhone } from './validate.ts'

/** Handles `POST /otp` (and the older `POST /magiclink`). */
export async function handleOtp(auth: AuthRequest): Promise<Response> {
  const { body } = auth
  const email = readString(body, 'email')
  const phone = readString(body, 'phone')
  if (email && phone) {
    throw badRequest(
      'validation_failed',
      'Only an email address or phone number should be provided',
    )
  }
  if (phone) return sendPhoneOtp(auth, phone)
  if (!email) throw unprocessable('validation_failed', 'An email address is required')
  return sendEmailOtp(auth, email)
}

async function sendEmailOtp(auth: AuthRequest, rawEmail: string): Promise<Response> {
  const { body, settings } = auth
  if (!settings.external_email_enabled) {
    throw unprocessable('email_provider_disabled', 'Email logins are disabled')
  }
  const email = validateEmail(rawEmail)
  const challenge = readChallenge(body)
  const existing = await findUser(auth.sql, 'email', email)
  let user =
    existing ??
    (await signUpForOtp(auth, { provider: 'email', email, data: readObject(body, 'data') ?? {} }))

  if (!user.email_confirmed_at) {
    if (!settings.mailer_autoconfirm) {
      // The confirmation email doubles as the magic link for someone not yet confirmed.
      if (challenge) await createFlowState(auth, challenge, 'email', 'email/signup', user.id)
      await sendEmail(auth, user, 'confirmation', email)
      return jsonResponse(200, {})
    }
    await confirmEmail(auth, user)
    user = await reloadUser(auth.sql, user.id)
  }

  if (challenge) await createFlowState(auth, challenge, 'email', 'magiclink', user.id)
  await writeAuditLog(auth, user, 'user_recovery_requested')
  await sendEmail(auth, user, 'magiclink', email)
  return jsonResponse(200, {})
}

async function sendPhoneOtp(auth: AuthRequest, rawPhone: string): Promise<Response> {
  const { body, settings } = auth
  if (!settings.external_phone_enabled) {
    throw unprocessable('phone_provider_disabled', 'Unsupported phone provider')
  }
  const phone = validatePhone(rawPhone)
  const user =
    (await findUser(auth.sql, 'phone', phone)) ??
    (await signUpForOtp(auth, { provider: 'phone', phone, data: readObject(body, 'data') ?? {} }))
  await sendSms(auth, user, 'sms_otp', phone)
  return jsonResponse(200, { message_id: `sandbase-${crypto.randomUUID()}` })
}

async function signUpForOtp(
  auth: AuthRequest,
  credentials: {
    provider: 'email' | 'phone'
    email?: string
    phone?: string
    data: Record<string, unknown>
  },
): Promise<UserRow> {
  if (readBoolean(auth.body, 'create_user') === false) {
    throw unprocessable('otp_disabled', 'Signups not allowed for otp')
  }
  if (auth.settings.disable_signup) {
    throw unprocessable('signup_disabled', 'Signups not allowed for this instance')
  }
  return createUserWithIdentity(auth, credentials)
}

/** Handles `POST /recover`: a password reset email, or nothing for an unknown address. */
export async function handleRecover(auth: AuthRequest): Promise<Response> {
  const email = validateEmail(readString(auth.body, 'email'))
  const user = await findUser(auth.sql, 'email', email)
  // GoTrue answers the same for unknown addresses, so the endpoint reveals no accounts.
  if (!user) return jsonResponse(200, {})

  const challenge = readChallenge(auth.body)
  if (challenge) await createFlowState(auth, challenge, 'email', 'recovery', user.id)
  await writeAuditLog(auth, user, 'user_recovery_requested')
  await sendEmail(auth, user, 'recovery', email)
  return jsonResponse(200, {})
}

const RESEND_TYPES = ['signup', 'email_change', 'sms', 'phone_change']

/** Handles `POST /resend` for a signup, an email change or a text. */
export async function handleResend(auth: AuthRequest): Promise<Response> {
  const { body, sql, settings } = auth
  const type = readString(body, 'type') ?? ''
  if (!RESEND_TYPES.includes(type)) {
    throw badRequest(
      'validation_failed',
      'Missing one of these types: signup, email_change, sms, phone_change',
    )
  }

  if (type === 'signup' || type === 'email_change') {
    const email = validateEmail(readString(body, 'email'))
    const user = await findUser(sql, 'email', email)
    if (type === 'signup' && user && !user.email_confirmed_at) {
      const challenge = readChallenge(body)
      if (challenge) await createFlowState(auth, challenge, 'email', 'email/signup', user.id)
      await sendEmail(auth, user, 'confirmation', email)
    }
    if (type === 'email_change' && user?.email_change) {
      await sendEmail(auth, user, 'email_change_new', user.email_change)
      if (settings.mailer_secure_email_change_enabled) {
        await sendEmail(auth, await reloadUser(sql, user.id), 'email_change_current', email)
      }
    }
    return jsonResponse(200, {})
  }

  const phone = validatePhone(readString(body, 'phone'))
  if (type === 'sms') {
    const user = await findUser(sql, 'phone', phone)
    if (user && !user.phone_confirmed_at) await sendSms(auth, user, 'sms_otp', phone)
  } else {
    const { rows } = await sql.query<UserRow>(
      'select * from auth.users where phone_change = $1 and deleted_at is null limit 1',
      [phone],
    )
    if (rows[0]) await sendSms(auth, rows[0], 'phone_change', phone)
  }
  return jsonResponse(200, { message_id: `sandbase-${crypto.randomUUID()}` })
}
