import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { createProject, type Project } from '../../helpers.ts'
import type { TraceEvent } from '../../../src/emulator/index.ts'
import {
  createUserClient,
  readClaims,
  readInbox,
  setAuthSetting,
  uniqueEmail,
  uniquePhone,
} from './helpers.ts'

let project: Project

beforeAll(async () => {
  project = await createProject()
})
afterAll(() => project.emulator.close())
beforeEach(async () => {
  for (const setting of ['mailer_autoconfirm', 'sms_autoconfirm']) {
    await setAuthSetting(project.emulator, setting, true)
  }
  await setAuthSetting(project.emulator, 'security_update_password_require_reauthentication', false)
})

async function signUp(email = uniqueEmail()) {
  const client = createUserClient(project.emulator)
  const { data } = await client.auth.signUp({ email, password: 'long enough' })
  return { client, email, user: data.user! }
}

async function latestMessage(to: string) {
  const [message] = await readInbox(project.emulator, to)
  return message
}

describe('signInWithOtp', () => {
  test('emails an existing user a magic link and a code that signs them in', async () => {
    const { email, user } = await signUp()
    const client = createUserClient(project.emulator)
    const { data, error } = await client.auth.signInWithOtp({ email })
    expect(error).toBeNull()
    expect(data).toEqual({ user: null, session: null })

    const message = await latestMessage(email)
    expect(message.kind).toBe('magiclink')
    expect(new URL(message.link!).searchParams.get('type')).toBe('magiclink')
    const verified = await client.auth.verifyOtp({ email, token: message.code!, type: 'email' })
    expect(verified.error).toBeNull()
    expect(verified.data.user?.id).toBe(user.id)
    expect((await client.auth.getSession()).data.session?.user.id).toBe(user.id)
  })

  test('creates the user when the address is new', async () => {
    const email = uniqueEmail('newcomer')
    const client = createUserClient(project.emulator)
    await client.auth.signInWithOtp({ email, options: { data: { plan: 'free' } } })
    const { code } = await latestMessage(email)
    const { data, error } = await client.auth.verifyOtp({ email, token: code!, type: 'magiclink' })
    expect(error).toBeNull()
    expect(data.user).toMatchObject({ email, user_metadata: { plan: 'free' } })
  })

  test('errs with otp_disabled (422) for a new address when shouldCreateUser is false', async () => {
    const { error } = await createUserClient(project.emulator).auth.signInWithOtp({
      email: uniqueEmail('stranger'),
      options: { shouldCreateUser: false },
    })
    expect(error).toMatchObject({
      status: 422,
      code: 'otp_disabled',
      message: 'Signups not allowed for otp',
    })
  })

  test('texts a phone a code that verifies with type sms', async () => {
    const phone = uniquePhone()
    const client = createUserClient(project.emulator)
    const { data, error } = await client.auth.signInWithOtp({ phone })
    expect(error).toBeNull()
    expect(data.messageId).toEqual(expect.any(String))

    const message = await latestMessage(phone)
    expect(message).toMatchObject({ channel: 'sms', to: phone, kind: 'sms_otp' })
    const verified = await client.auth.verifyOtp({ phone, token: message.code!, type: 'sms' })
    expect(verified.error).toBeNull()
    expect(verified.data.user?.phone).toBe(phone.slice(1))
    expect(verified.data.user?.phone_confirmed_at).toEqual(expect.any(String))
  })
})

describe('verifyOtp', () => {
  test('errs with otp_expired (403) for a wrong code, and a code works only once', async () => {
    const { email } = await signUp()
    const client = createUserClient(project.emulator)
    await client.auth.signInWithOtp({ email })
    const { code } = await latestMessage(email)
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0')

    const failed = await client.auth.verifyOtp({ email, token: wrong, type: 'email' })
    expect(failed.error).toMatchObject({
      status: 403,
      code: 'otp_expired',
      message: 'Token has expired or is invalid',
    })
    expect((await client.auth.verifyOtp({ email, token: code!, type: 'email' })).error).toBeNull()
    const reused = await client.auth.verifyOtp({ email, token: code!, type: 'email' })
    expect(reused.error).toMatchObject({ code: 'otp_expired' })
  })

  test('errs with otp_expired once the code is older than the OTP lifetime', async () => {
    const { email, user } = await signUp()
    const client = createUserClient(project.emulator)
    await client.auth.signInWithOtp({ email })
    const { code } = await latestMessage(email)
    await project.emulator.db.query(
      `update auth.users set recovery_sent_at = now() - interval '2 hours' where id = $1`,
      [user.id],
    )
    const { error } = await client.auth.verifyOtp({ email, token: code!, type: 'magiclink' })
    expect(error).toMatchObject({ status: 403, code: 'otp_expired' })
  })

  test('accepts the token hash a link carries', async () => {
    const { email, user } = await signUp()
    const client = createUserClient(project.emulator)
    await client.auth.signInWithOtp({ email })
    const tokenHash = new URL((await latestMessage(email)).link!).searchParams.get('token')!
    const { data, error } = await client.auth.verifyOtp({
      token_hash: tokenHash,
      type: 'magiclink',
    })
    expect(error).toBeNull()
    expect(data.user?.id).toBe(user.id)
  })

  test('confirms a signup by code when confirmations are on', async () => {
    await setAuthSetting(project.emulator, 'mailer_autoconfirm', false)
    const email = uniqueEmail()
    const client = createUserClient(project.emulator)
    await client.auth.signUp({ email, password: 'long enough' })
    const { code } = await latestMessage(email)
    const { data, error } = await client.auth.verifyOtp({ email, token: code!, type: 'signup' })
    expect(error).toBeNull()
    expect(data.user?.email_confirmed_at).toEqual(expect.any(String))
    expect(readClaims(data.session!.access_token).amr).toEqual([
      { method: 'email/signup', timestamp: expect.any(Number) },
    ])
    const signIn = await client.auth.signInWithPassword({ email, password: 'long enough' })
    expect(signIn.error).toBeNull()
  })
})

describe('GET /verify (the emailed link)', () => {
  test('redirects to redirect_to with the session in the fragment', async () => {
    const { email, user } = await signUp()
    await createUserClient(project.emulator).auth.signInWithOtp({
      email,
      options: { emailRedirectTo: 'https://app.example.com/home' },
    })
    const response = await project.emulator.fetch((await latestMessage(email)).link!, {
      redirect: 'manual',
    })
    expect(response.status).toBe(303)
    const location = new URL(response.headers.get('location')!)
    expect(location.origin + location.pathname).toBe('https://app.example.com/home')
    const fragment = new URLSearchParams(location.hash.slice(1))
    expect(fragment.get('token_type')).toBe('bearer')
    expect(fragment.get('type')).toBe('magiclink')
    expect(fragment.get('expires_in')).toBe('3600')
    expect(readClaims(fragment.get('access_token')!).sub).toBe(user.id)
    expect(fragment.get('refresh_token')).toEqual(expect.any(String))
  })

  test('redirects with error=access_denied and error_code=otp_expired for a used link', async () => {
    const { email } = await signUp()
    await createUserClient(project.emulator).auth.signInWithOtp({ email })
    const { link } = await latestMessage(email)
    await project.emulator.fetch(link!, { redirect: 'manual' })
    const response = await project.emulator.fetch(link!, { redirect: 'manual' })
    expect(response.status).toBe(303)
    const fragment = new URLSearchParams(new URL(response.headers.get('location')!).hash.slice(1))
    expect(Object.fromEntries(fragment)).toEqual({
      error: 'access_denied',
      error_code: 'otp_expired',
      error_description: 'Email link is invalid or has expired',
    })
  })
})

describe('resetPasswordForEmail', () => {
  test('mails a recovery code; after verifying it the user sets a new password', async () => {
    const { email } = await signUp()
    const client = createUserClient(project.emulator)
    const { error } = await client.auth.resetPasswordForEmail(email)
    expect(error).toBeNull()
    const message = await latestMessage(email)
    expect(message.kind).toBe('recovery')
    expect(new URL(message.link!).searchParams.get('type')).toBe('recovery')

    await client.auth.verifyOtp({ email, token: message.code!, type: 'recovery' })
    expect((await client.auth.updateUser({ password: 'brand new password' })).error).toBeNull()
    const old = await client.auth.signInWithPassword({ email, password: 'long enough' })
    expect(old.error).toMatchObject({ code: 'invalid_credentials' })
    const renewed = await client.auth.signInWithPassword({ email, password: 'brand new password' })
    expect(renewed.error).toBeNull()
  })

  test('answers an unknown address the same way and sends nothing', async () => {
    const email = uniqueEmail('ghost')
    const { data, error } = await createUserClient(project.emulator).auth.resetPasswordForEmail(
      email,
    )
    expect(error).toBeNull()
    expect(data).toEqual({})
    expect(await readInbox(project.emulator, email)).toEqual([])
  })
})

describe('resend', () => {
  test('sends a new signup confirmation that replaces the old code', async () => {
    await setAuthSetting(project.emulator, 'mailer_autoconfirm', false)
    const email = uniqueEmail()
    const client = createUserClient(project.emulator)
    await client.auth.signUp({ email, password: 'long enough' })
    const first = await latestMessage(email)
    expect((await client.auth.resend({ type: 'signup', email })).error).toBeNull()
    const messages = await readInbox(project.emulator, email)
    expect(messages.map((message) => message.kind)).toEqual(['confirmation', 'confirmation'])

    const stale = await client.auth.verifyOtp({ email, token: first.code!, type: 'signup' })
    if (first.code !== messages[0].code) expect(stale.error).toMatchObject({ code: 'otp_expired' })
    const fresh = await client.auth.verifyOtp({ email, token: messages[0].code!, type: 'signup' })
    expect(fresh.error).toBeNull()
  })
})

describe('updateUser', () => {
  test('merges user metadata key by key; null removes a key', async () => {
    const { client } = await signUp()
    await client.auth.updateUser({ data: { theme: 'dark', lang: 'en' } })
    const { data } = await client.auth.updateUser({ data: { lang: null, size: 'L' } })
    expect(data.user?.user_metadata).toMatchObject({ theme: 'dark', size: 'L' })
    expect(data.user?.user_metadata).not.toHaveProperty('lang')
  })

  test('errs with same_password (422) and weak_password (422)', async () => {
    const { client } = await signUp()
    const same = await client.auth.updateUser({ password: 'long enough' })
    expect(same.error).toMatchObject({
      status: 422,
      code: 'same_password',
      message: 'New password should be different from the old password.',
    })
    const weak = await client.auth.updateUser({ password: '123' })
    expect(weak.error).toMatchObject({ status: 422, code: 'weak_password' })
  })

  test('with confirmations off a permanent user still confirms a new email', async () => {
    const { client, email } = await signUp()
    const newEmail = uniqueEmail('moved')
    const { data, error } = await client.auth.updateUser({ email: newEmail })
    expect(error).toBeNull()
    expect(data.user).toMatchObject({ email, new_email: newEmail })
    expect((await latestMessage(newEmail)).kind).toBe('email_change_new')
  })

  test('with confirmations off an anonymous user gets the email at once', async () => {
    const client = createUserClient(project.emulator)
    await client.auth.signInAnonymously()
    const email = uniqueEmail('anon')
    const { data, error } = await client.auth.updateUser({ email })
    expect(error).toBeNull()
    expect(data.user).toMatchObject({ email, is_anonymous: false })
  })

  test('an anonymous user cannot set only a password', async () => {
    const client = createUserClient(project.emulator)
    await client.auth.signInAnonymously()
    const { error } = await client.auth.updateUser({ password: 'long enough' })
    expect(error).toMatchObject({ status: 422, code: 'validation_failed' })
  })

  test('with confirmations on, asks both addresses and changes after both confirm', async () => {
    await setAuthSetting(project.emulator, 'mailer_autoconfirm', false)
    const email = uniqueEmail()
    const client = createUserClient(project.emulator)
    await client.auth.signUp({ email, password: 'long enough' })
    await client.auth.verifyOtp({
      email,
      token: (await latestMessage(email)).code!,
      type: 'signup',
    })

    const newEmail = uniqueEmail('new')
    const { data, error } = await client.auth.updateUser({ email: newEmail })
    expect(error).toBeNull()
    expect(data.user).toMatchObject({ email, new_email: newEmail })
    const toOld = await latestMessage(email)
    const toNew = await latestMessage(newEmail)
    expect(toOld.kind).toBe('email_change_current')
    expect(toNew.kind).toBe('email_change_new')

    const halfway = await client.auth.verifyOtp({ email, token: toOld.code!, type: 'email_change' })
    expect(halfway).toEqual({ data: { user: null, session: null }, error: null })
    const done = await client.auth.verifyOtp({
      email: newEmail,
      token: toNew.code!,
      type: 'email_change',
    })
    expect(done.error).toBeNull()
    expect(done.data.user?.email).toBe(newEmail)
  })

  test('changes the phone after the texted code is verified', async () => {
    await setAuthSetting(project.emulator, 'sms_autoconfirm', false)
    const { client } = await signUp()
    const phone = uniquePhone()
    const { data } = await client.auth.updateUser({ phone })
    expect(data.user?.new_phone).toBe(phone.slice(1))
    const { code, kind } = await latestMessage(phone)
    expect(kind).toBe('phone_change')
    const verified = await client.auth.verifyOtp({ phone, token: code!, type: 'phone_change' })
    expect(verified.error).toBeNull()
    expect(verified.data.user?.phone).toBe(phone.slice(1))
  })

  test('gives an anonymous user an email identity and makes it permanent', async () => {
    await setAuthSetting(project.emulator, 'mailer_autoconfirm', false)
    const client = createUserClient(project.emulator)
    const { data: anonymous } = await client.auth.signInAnonymously()
    const email = uniqueEmail('convert')
    await client.auth.updateUser({ email })
    expect((await readInbox(project.emulator, email)).map((message) => message.kind)).toEqual([
      'email_change_new',
    ])
    const { code } = await latestMessage(email)
    const { data, error } = await client.auth.verifyOtp({
      email,
      token: code!,
      type: 'email_change',
    })
    expect(error).toBeNull()
    expect(data.user).toMatchObject({
      id: anonymous.user?.id,
      email,
      is_anonymous: false,
      app_metadata: { provider: 'email' },
    })
    expect(data.user?.identities?.map((identity) => identity.provider)).toEqual(['email'])
  })
})

describe('reauthenticate', () => {
  test('mails a nonce that a password change accepts; a wrong one is refused', async () => {
    const { client, email } = await signUp()
    expect((await client.auth.reauthenticate()).error).toBeNull()
    const message = await latestMessage(email)
    expect(message.kind).toBe('reauthentication')

    const wrong = await client.auth.updateUser({ password: 'another one', nonce: '000000x' })
    expect(wrong.error).toMatchObject({ status: 400, code: 'reauthentication_not_valid' })
    const right = await client.auth.updateUser({ password: 'another one', nonce: message.code! })
    expect(right.error).toBeNull()
  })

  test('errs with reauthentication_needed when the project requires it for old sessions', async () => {
    await setAuthSetting(
      project.emulator,
      'security_update_password_require_reauthentication',
      true,
    )
    const { client, user } = await signUp()
    await project.emulator.db.query(
      `update auth.sessions set created_at = now() - interval '2 days' where user_id = $1`,
      [user.id],
    )
    const { error } = await client.auth.updateUser({ password: 'another one' })
    expect(error).toMatchObject({ status: 400, code: 'reauthentication_needed' })
  })
})

describe('Inbox trace events', () => {
  test('each email and text is also traced, with its kind and code', async () => {
    const events: TraceEvent[] = []
    const unsubscribe = project.emulator.trace.subscribe((event) => events.push(event))
    const { email } = await signUp()
    const phone = uniquePhone()
    const client = createUserClient(project.emulator)
    await client.auth.signInWithOtp({ email })
    await client.auth.signInWithOtp({ phone })
    unsubscribe()

    const mail = events.find((event) => event.type === 'email')
    const text = events.find((event) => event.type === 'sms')
    expect(mail).toMatchObject({
      to: email,
      kind: 'magiclink',
      code: expect.stringMatching(/^\d{6}$/),
    })
    expect(mail).toHaveProperty('link', (await latestMessage(email)).link)
    expect(text).toMatchObject({
      to: phone,
      kind: 'sms_otp',
      code: (await latestMessage(phone)).code,
    })
  })
})
