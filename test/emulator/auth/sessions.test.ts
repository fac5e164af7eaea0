import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { jwtVerify } from 'jose'
import { createProject, type Project } from '../../helpers.ts'
import {
  callAuth,
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
  await setAuthSetting(project.emulator, 'mailer_autoconfirm', true)
  await setAuthSetting(project.emulator, 'sms_autoconfirm', true)
  await setAuthSetting(project.emulator, 'external_anonymous_users_enabled', true)
  await setAuthSetting(project.emulator, 'refresh_token_reuse_interval', 10)
})

describe('signUp', () => {
  test('with confirmations off returns a session whose JWT carries the claims Supabase issues', async () => {
    const client = createUserClient(project.emulator)
    const email = uniqueEmail('Ada')
    const { data, error } = await client.auth.signUp({
      email,
      password: 'correct horse',
      options: { data: { first_name: 'Ada' } },
    })
    expect(error).toBeNull()
    const { user, session } = data
    expect(user).toMatchObject({
      aud: 'authenticated',
      role: 'authenticated',
      email: email.toLowerCase(),
      phone: '',
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: { first_name: 'Ada' },
      is_anonymous: false,
    })
    expect(user?.email_confirmed_at).toEqual(expect.any(String))
    expect(user?.identities).toHaveLength(1)
    expect(user?.identities?.[0]).toMatchObject({ provider: 'email', user_id: user?.id })

    expect(session).toMatchObject({ token_type: 'bearer', expires_in: 3600 })
    const secret = new TextEncoder().encode(project.emulator.jwtSecret)
    const { payload } = await jwtVerify(session!.access_token, secret)
    expect(payload).toMatchObject({
      iss: `${project.emulator.url}/auth/v1`,
      sub: user?.id,
      aud: 'authenticated',
      role: 'authenticated',
      email: email.toLowerCase(),
      aal: 'aal1',
      is_anonymous: false,
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: { first_name: 'Ada' },
    })
    expect(payload.exp! - payload.iat!).toBe(3600)
    expect(session!.expires_at).toBe(payload.exp)
    expect(payload.amr).toEqual([{ method: 'password', timestamp: expect.any(Number) }])
    expect(payload.session_id).toEqual(expect.any(String))
  })

  test('stores a hashed password, never the password itself, and an email identity', async () => {
    const email = uniqueEmail()
    const { data } = await createUserClient(project.emulator).auth.signUp({
      email,
      password: 'plain-text-secret',
    })
    const { rows } = await project.emulator.db.query<{ encrypted_password: string }>(
      'select encrypted_password from auth.users where id = $1',
      [data.user?.id],
    )
    expect(rows[0].encrypted_password).not.toContain('plain-text-secret')
    expect(rows[0].encrypted_password.length).toBeGreaterThan(40)
    const identities = await project.emulator.db.query<{ provider: string; email: string }>(
      'select provider, email from auth.identities where user_id = $1',
      [data.user?.id],
    )
    expect(identities.rows).toEqual([{ provider: 'email', email }])
  })

  test('errs with user_already_exists (422) for a registered email', async () => {
    const email = uniqueEmail()
    const client = createUserClient(project.emulator)
    await client.auth.signUp({ email, password: 'first-password' })
    const { data, error } = await client.auth.signUp({ email, password: 'second-password' })
    expect(data).toEqual({ user: null, session: null })
    expect(error).toMatchObject({
      name: 'AuthApiError',
      status: 422,
      code: 'user_already_exists',
      message: 'User already registered',
    })
  })

  test('errs with weak_password (422) and its reasons for a short password', async () => {
    const { error } = await createUserClient(project.emulator).auth.signUp({
      email: uniqueEmail(),
      password: 'abc',
    })
    expect(error).toMatchObject({
      name: 'AuthWeakPasswordError',
      status: 422,
      code: 'weak_password',
      reasons: ['length'],
      message: 'Password should be at least 6 characters.',
    })
  })

  test('errs with validation_failed (400) for a malformed email', async () => {
    const { error } = await createUserClient(project.emulator).auth.signUp({
      email: 'not-an-email',
      password: 'long enough',
    })
    expect(error).toMatchObject({
      status: 400,
      code: 'validation_failed',
      message: 'Unable to validate email address: invalid format',
    })
  })

  test('with confirmations on returns no session and mails a link and a code', async () => {
    await setAuthSetting(project.emulator, 'mailer_autoconfirm', false)
    const client = createUserClient(project.emulator)
    const email = uniqueEmail()
    const { data, error } = await client.auth.signUp({
      email,
      password: 'long enough',
      options: { emailRedirectTo: 'https://app.example.com/welcome' },
    })
    expect(error).toBeNull()
    expect(data.session).toBeNull()
    expect(data.user?.email_confirmed_at).toBeUndefined()
    expect(data.user?.confirmation_sent_at).toEqual(expect.any(String))

    const [message] = await readInbox(project.emulator, email)
    expect(message).toMatchObject({ kind: 'confirmation', to: email, channel: 'email' })
    expect(message.code).toMatch(/^\d{6}$/)
    const link = new URL(message.link!)
    expect(link.pathname).toBe('/auth/v1/verify')
    expect(link.searchParams.get('type')).toBe('signup')
    expect(link.searchParams.get('redirect_to')).toBe('https://app.example.com/welcome')

    const signIn = await client.auth.signInWithPassword({ email, password: 'long enough' })
    expect(signIn.error).toMatchObject({ status: 400, code: 'email_not_confirmed' })
  })

  test('an existing confirmed email with confirmations on gets a made-up user, not an error', async () => {
    const email = uniqueEmail()
    const client = createUserClient(project.emulator)
    const first = await client.auth.signUp({ email, password: 'long enough' })
    await setAuthSetting(project.emulator, 'mailer_autoconfirm', false)
    await setAuthSetting(project.emulator, 'sms_autoconfirm', false)
    const { data, error } = await client.auth.signUp({ email, password: 'long enough' })
    expect(error).toBeNull()
    expect(data.session).toBeNull()
    expect(data.user?.id).not.toBe(first.data.user?.id)
    expect(data.user?.identities).toEqual([])
  })

  test('with a phone number stores the number as digits and signs in', async () => {
    const phone = uniquePhone()
    const { data, error } = await createUserClient(project.emulator).auth.signUp({
      phone,
      password: 'long enough',
    })
    expect(error).toBeNull()
    expect(data.user).toMatchObject({
      phone: phone.slice(1),
      email: '',
      app_metadata: { provider: 'phone', providers: ['phone'] },
    })
    expect(data.session?.access_token).toEqual(expect.any(String))
  })
})

describe('signInAnonymously', () => {
  test('creates an anonymous user whose token says so', async () => {
    const { data, error } = await createUserClient(project.emulator).auth.signInAnonymously()
    expect(error).toBeNull()
    expect(data.user).toMatchObject({ is_anonymous: true, email: '', identities: [] })
    const claims = readClaims(data.session!.access_token)
    expect(claims).toMatchObject({ is_anonymous: true, role: 'authenticated' })
    expect(claims.amr).toEqual([{ method: 'anonymous', timestamp: expect.any(Number) }])
  })

  test('errs with anonymous_provider_disabled (422) when the project turns it off', async () => {
    await setAuthSetting(project.emulator, 'external_anonymous_users_enabled', false)
    const { error } = await createUserClient(project.emulator).auth.signInAnonymously()
    expect(error).toMatchObject({ status: 422, code: 'anonymous_provider_disabled' })
  })
})

describe('signInWithPassword', () => {
  test('returns a new session for the right password', async () => {
    const email = uniqueEmail()
    const client = createUserClient(project.emulator)
    const signUp = await client.auth.signUp({ email, password: 'long enough' })
    const { data, error } = await client.auth.signInWithPassword({ email, password: 'long enough' })
    expect(error).toBeNull()
    expect(data.user?.id).toBe(signUp.data.user?.id)
    expect(readClaims(data.session!.access_token).session_id).not.toBe(
      readClaims(signUp.data.session!.access_token).session_id,
    )
  })

  test('errs with invalid_credentials (400) for a wrong password or an unknown user', async () => {
    const email = uniqueEmail()
    const client = createUserClient(project.emulator)
    await client.auth.signUp({ email, password: 'long enough' })
    for (const credentials of [
      { email, password: 'wrong password' },
      { email: uniqueEmail('nobody'), password: 'long enough' },
    ]) {
      const { data, error } = await client.auth.signInWithPassword(credentials)
      expect(data).toEqual({ user: null, session: null })
      expect(error).toMatchObject({
        status: 400,
        code: 'invalid_credentials',
        message: 'Invalid login credentials',
      })
    }
  })

  test('signs in with a phone number and password', async () => {
    const phone = uniquePhone()
    const client = createUserClient(project.emulator)
    await client.auth.signUp({ phone, password: 'long enough' })
    const { data, error } = await client.auth.signInWithPassword({ phone, password: 'long enough' })
    expect(error).toBeNull()
    expect(data.user?.phone).toBe(phone.slice(1))
  })
})

describe('getUser and getSession', () => {
  test('getUser asks the server for the signed-in user', async () => {
    const client = createUserClient(project.emulator)
    const email = uniqueEmail()
    await client.auth.signUp({ email, password: 'long enough' })
    const { data, error } = await client.auth.getUser()
    expect(error).toBeNull()
    expect(data.user?.email).toBe(email)
    const session = await client.auth.getSession()
    expect(session.data.session?.user.email).toBe(email)
  })

  test('getUser without a session errs with AuthSessionMissingError', async () => {
    const { data, error } = await createUserClient(project.emulator).auth.getUser()
    expect(data.user).toBeNull()
    expect(error?.name).toBe('AuthSessionMissingError')
  })
})

describe('refreshSession', () => {
  test('rotates the refresh token and keeps the session', async () => {
    const client = createUserClient(project.emulator)
    const { data: signUp } = await client.auth.signUp({
      email: uniqueEmail(),
      password: 'long enough',
    })
    const before = signUp.session!
    const { data, error } = await client.auth.refreshSession()
    expect(error).toBeNull()
    expect(data.session?.refresh_token).not.toBe(before.refresh_token)
    expect(readClaims(data.session!.access_token).session_id).toBe(
      readClaims(before.access_token).session_id,
    )
    const { rows } = await project.emulator.db.query<{ revoked: boolean; parent: string | null }>(
      'select revoked, parent from auth.refresh_tokens where token = $1',
      [data.session!.refresh_token],
    )
    expect(rows).toEqual([{ revoked: false, parent: before.refresh_token }])
  })

  test('a revoked token reused within the reuse interval gets the token that replaced it', async () => {
    const client = createUserClient(project.emulator)
    const { data: signUp } = await client.auth.signUp({
      email: uniqueEmail(),
      password: 'long enough',
    })
    const first = await client.auth.refreshSession()
    const again = await client.auth.refreshSession({ refresh_token: signUp.session!.refresh_token })
    expect(again.error).toBeNull()
    expect(again.data.session?.refresh_token).toBe(first.data.session?.refresh_token)
  })

  test('a revoked token reused after the interval errs and ends the session', async () => {
    await setAuthSetting(project.emulator, 'refresh_token_reuse_interval', 0)
    const client = createUserClient(project.emulator)
    const { data: signUp } = await client.auth.signUp({
      email: uniqueEmail(),
      password: 'long enough',
    })
    const rotated = await client.auth.refreshSession()
    await new Promise((resolve) => setTimeout(resolve, 5))
    const reused = await client.auth.refreshSession({
      refresh_token: signUp.session!.refresh_token,
    })
    expect(reused.error).toMatchObject({
      status: 400,
      code: 'refresh_token_already_used',
      message: 'Invalid Refresh Token: Already Used',
    })
    // The whole session is gone, so the token that replaced it no longer works either.
    const later = await client.auth.refreshSession({
      refresh_token: rotated.data.session!.refresh_token,
    })
    expect(later.error).toMatchObject({ code: 'refresh_token_not_found' })
  })

  test('an unknown refresh token errs with refresh_token_not_found', async () => {
    const { error } = await createUserClient(project.emulator).auth.refreshSession({
      refresh_token: 'made-up-token',
    })
    expect(error).toMatchObject({
      status: 400,
      code: 'refresh_token_not_found',
      message: 'Invalid Refresh Token: Refresh Token Not Found',
    })
  })
})

describe('setSession', () => {
  test('adopts tokens issued elsewhere', async () => {
    const email = uniqueEmail()
    const { data } = await createUserClient(project.emulator).auth.signUp({
      email,
      password: 'long enough',
    })
    const other = createUserClient(project.emulator)
    const { data: set, error } = await other.auth.setSession({
      access_token: data.session!.access_token,
      refresh_token: data.session!.refresh_token,
    })
    expect(error).toBeNull()
    expect(set.user?.email).toBe(email)
  })
})

describe('signOut', () => {
  async function signInTwice(email: string) {
    const first = createUserClient(project.emulator)
    const second = createUserClient(project.emulator)
    await first.auth.signUp({ email, password: 'long enough' })
    await second.auth.signInWithPassword({ email, password: 'long enough' })
    const tokenOf = async (client: typeof first) =>
      (await client.auth.getSession()).data.session!.access_token
    return { first, second, firstToken: await tokenOf(first), secondToken: await tokenOf(second) }
  }

  test('global ends every session of the user', async () => {
    const { first, firstToken, secondToken } = await signInTwice(uniqueEmail())
    expect((await first.auth.signOut()).error).toBeNull()
    for (const token of [firstToken, secondToken]) {
      const { status, body } = await callAuth(project.emulator, 'GET', '/user', { token })
      expect(status).toBe(403)
      expect(body).toEqual({
        code: 'session_not_found',
        message: 'Session from session_id claim in JWT does not exist',
      })
    }
    expect((await first.auth.getSession()).data.session).toBeNull()
  })

  test('local ends only this session, others ends all but this one', async () => {
    const { first, second, firstToken, secondToken } = await signInTwice(uniqueEmail())
    await second.auth.signOut({ scope: 'others' })
    expect((await callAuth(project.emulator, 'GET', '/user', { token: firstToken })).status).toBe(
      403,
    )
    expect((await callAuth(project.emulator, 'GET', '/user', { token: secondToken })).status).toBe(
      200,
    )
    expect((await second.auth.getSession()).data.session).not.toBeNull()

    await second.auth.signOut({ scope: 'local' })
    expect((await callAuth(project.emulator, 'GET', '/user', { token: secondToken })).status).toBe(
      403,
    )
    expect((await first.auth.getSession()).data.session).not.toBeNull()
  })
})

describe('GET /settings', () => {
  test('reports the sign-in methods and autoconfirm settings', async () => {
    const { status, body } = await callAuth(project.emulator, 'GET', '/settings')
    expect(status).toBe(200)
    expect(body).toMatchObject({
      external: { email: true, phone: true, anonymous_users: true },
      disable_signup: false,
      mailer_autoconfirm: true,
      phone_autoconfirm: true,
    })
  })
})
