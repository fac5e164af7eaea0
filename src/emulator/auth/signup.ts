/**
 * `POST /signup`: email or phone with a password, or neither for an anonymous user. With
 * confirmations off (the settings' autoconfirm) the answer is a session; with them on, the
 * user, and a confirmation email or text lands in the Inbox.
 */
import { jsonResponse } from '../http.ts'
import type { AuthRequest } from './context.ts'
import { readObject, readString } from './context.ts'
import { unprocessable } from './errors.ts'
import { createFlowState, readChallenge } from './pkce.ts'
import { sendEmail, sendSms } from './one-time-tokens.ts'
import { startSession, writeAuditLog } from './sessions.ts'
import {
  findUser,
  insertIdentity,
  insertUser,
  reloadUser,
  toUserJson,
  type UserRow,
} from './users.ts'
import { validateEmail, validatePassword, validatePhone } from './validate.ts'
import { confirmEmail, confirmPhone } from './confirm.ts'

/** Handles `POST /signup`. */
export async function handleSignup(auth: AuthRequest): Promise<Response> {
  const { body, settings } = auth
  if (settings.disable_signup) {
    throw unprocessable('signup_disabled', 'Signups not allowed for this instance')
  }
  const email = readString(body, 'email')
  const phone = readString(body, 'phone')
  const password = readString(body, 'password')
  const data = readObject(body, 'data') ?? {}
  const challenge = readChallenge(body)

  if (!email && !phone) return signUpAnonymously(auth, data)
  if (email && phone) {
    throw unprocessable(
      'validation_failed',
      'Only an email address or phone number should be provided on signup.',
    )
  }
  if (!password) throw unprocessable('validation_failed', 'Signup requires a valid password')
  validatePassword(password, settings)

  if (email) {
    if (!settings.external_email_enabled) {
      throw unprocessable('email_provider_disabled', 'Email signups are disabled')
    }
    const address = validateEmail(email)
    const existing = await findUser(auth.sql, 'email', address)
    return signUp(auth, existing, { provider: 'email', email: address, password, data }, challenge)
  }

  if (!settings.external_phone_enabled) {
    throw unprocessable('phone_provider_disabled', 'Phone signups are disabled')
  }
  const number = validatePhone(phone)
  const existing = await findUser(auth.sql, 'phone', number)
  return signUp(auth, existing, { provider: 'phone', phone: number, password, data }, null)
}

interface Credentials {
  provider: 'email' | 'phone'
  email?: string
  phone?: string
  password: string
  data: Record<string, unknown>
}

async function signUp(
  auth: AuthRequest,
  existing: UserRow | null,
  credentials: Credentials,
  challenge: ReturnType<typeof readChallenge>,
): Promise<Response> {
  const { settings } = auth
  const isEmail = credentials.provider === 'email'
  const isAutoconfirmed = isEmail ? settings.mailer_autoconfirm : settings.sms_autoconfirm
  const isConfirmed =
    existing && (isEmail ? existing.email_confirmed_at : existing.phone_confirmed_at)

  if (existing && isConfirmed) {
    await writeAuditLog(auth, existing, 'user_repeated_signup', { provider: credentials.provider })
    if (settings.mailer_autoconfirm || settings.sms_autoconfirm) {
      throw unprocessable('user_already_exists', 'User already registered')
    }
    // With confirmations on, GoTrue hides that the address is taken behind a made-up user.
    return jsonResponse(200, obfuscatedUser(credentials))
  }

  // An unconfirmed user who signs up again only gets the confirmation again: the claimed
  // password is not trusted with an account nobody has proven to own.
  const user = existing ?? (await createUserWithIdentity(auth, credentials))

  if (isAutoconfirmed) {
    if (isEmail) await confirmEmail(auth, user)
    else await confirmPhone(auth, user)
    await writeAuditLog(auth, user, 'user_signedup', { provider: credentials.provider })
    const session = await startSession(auth, await reloadUser(auth.sql, user.id), 'password')
    return jsonResponse(200, session)
  }

  await writeAuditLog(auth, user, 'user_confirmation_requested', {
    provider: credentials.provider,
  })
  if (isEmail) {
    if (challenge) await createFlowState(auth, challenge, 'email', 'email/signup', user.id)
    await sendEmail(auth, user, 'confirmation', user.email ?? '')
  } else {
    await sendSms(auth, user, 'sms_otp', user.phone ?? '')
  }
  return jsonResponse(200, await toUserJson(auth.sql, await reloadUser(auth.sql, user.id)))
}

/** Creates the user and the identity of its provider, as a first signup does. */
export async function createUserWithIdentity(
  auth: AuthRequest,
  credentials: Omit<Credentials, 'password'> & { password?: string },
): Promise<UserRow> {
  const { provider, email, phone, password, data } = credentials
  const user = await insertUser(auth.sql, {
    email,
    phone,
    password,
    provider,
    userMetadata: data,
  })
  const identityData = email
    ? { email, email_verified: false, phone_verified: false }
    : { phone, email_verified: false, phone_verified: false }
  await insertIdentity(auth.sql, user.id, provider, user.id, identityData)
  // GoTrue copies the identity's claims into user_metadata under what the user supplied.
  await auth.sql.query(
    `update auth.users set raw_user_meta_data = $2::jsonb || raw_user_meta_data where id = $1`,
    [user.id, { sub: user.id, ...identityData }],
  )
  return reloadUser(auth.sql, user.id)
}

async function signUpAnonymously(auth: AuthRequest, data: Record<string, unknown>) {
  if (!auth.settings.external_anonymous_users_enabled) {
    throw unprocessable('anonymous_provider_disabled', 'Anonymous sign-ins are disabled')
  }
  const user = await insertUser(auth.sql, {
    provider: 'anonymous',
    userMetadata: data,
    isAnonymous: true,
  })
  await writeAuditLog(auth, user, 'user_signedup', { provider: 'anonymous' })
  return jsonResponse(200, await startSession(auth, user, 'anonymous'))
}

function obfuscatedUser({ provider, email, phone, data }: Credentials) {
  const now = new Date().toISOString()
  return {
    id: crypto.randomUUID(),
    aud: 'authenticated',
    role: '',
    email: provider === 'email' ? email : '',
    phone: provider === 'phone' ? phone : '',
    confirmation_sent_at: now,
    app_metadata: { provider, providers: [provider] },
    user_metadata: data,
    identities: [],
    created_at: now,
    updated_at: now,
    is_anonymous: false,
  }
}
