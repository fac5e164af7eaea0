/**
 * What the auth, MFA and admin lessons claim in their prose (pitfalls, "what to look at"),
 * checked against the project the lessons run on. Expected values follow GoTrue's documented
 * behaviour, not the emulator's output.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { createProject, type Project } from '../helpers.ts'
import { createUserClient, readInbox, setAuthSetting } from '../emulator/auth/helpers.ts'

const ADA = { email: 'ada@example.com', password: 'lovelace-1815' }
const ADA_ID = '11111111-1111-4111-8111-111111111111'

let project: Project
const newClient = () => createUserClient(project.emulator)

beforeAll(async () => {
  project = await createProject({ dataset: 'auth' })
})
afterAll(() => project.emulator.close())
beforeEach(() => project.emulator.reset())

describe('signUp lesson', () => {
  test('with both confirmations on, a confirmed address gets a made-up user', async () => {
    await setAuthSetting(project.emulator, 'mailer_autoconfirm', false)
    await setAuthSetting(project.emulator, 'sms_autoconfirm', false)
    const { data, error } = await newClient().auth.signUp({ ...ADA, password: 'another one' })
    expect(error).toBeNull()
    expect(data.session).toBeNull()
    expect(data.user?.identities).toEqual([])
    expect(data.user?.id).not.toBe(ADA_ID)
  })

  test('signing up again while unconfirmed resends the email, ignoring the password', async () => {
    await setAuthSetting(project.emulator, 'mailer_autoconfirm', false)
    const alan = { email: 'alan@example.com', password: 'first-password' }
    await newClient().auth.signUp(alan)
    await newClient().auth.signUp({ ...alan, password: 'second-password' })
    const mails = await readInbox(project.emulator, alan.email)
    const subjects = mails.map((mail) => mail.subject)
    expect(subjects).toEqual(['Confirm Your Signup', 'Confirm Your Signup'])

    const client = newClient()
    await client.auth.verifyOtp({ email: alan.email, token: mails[0].code!, type: 'email' })
    const second = await newClient().auth.signInWithPassword({
      ...alan,
      password: 'second-password',
    })
    expect(second.error?.code).toBe('invalid_credentials')
    const first = await newClient().auth.signInWithPassword(alan)
    expect(first.error).toBeNull()
  })
})

describe('refreshSession lesson', () => {
  test('a revoked token reused after the interval ends the whole session', async () => {
    await setAuthSetting(project.emulator, 'refresh_token_reuse_interval', 0)
    const client = newClient()
    const { data } = await client.auth.signInWithPassword(ADA)
    const oldToken = data.session!.refresh_token
    const first = await client.auth.refreshSession()
    expect(first.error).toBeNull()
    await new Promise((resolve) => setTimeout(resolve, 1100))

    const reused = await newClient().auth.refreshSession({ refresh_token: oldToken })
    expect(reused.error?.code).toBe('refresh_token_already_used')
    const current = await newClient().auth.refreshSession({
      refresh_token: first.data.session!.refresh_token,
    })
    expect(current.error).not.toBeNull()
  })
})

describe('signOut lesson', () => {
  test('the REST API still accepts an access token after a global sign-out', async () => {
    const client = newClient()
    const { data } = await client.auth.signInWithPassword(ADA)
    const token = data.session!.access_token
    await client.auth.signOut()

    const { url, anonKey } = project.emulator
    const response = await project.emulator.fetch(`${url}/rest/v1/notes?select=id`, {
      headers: { apikey: anonKey, authorization: `Bearer ${token}` },
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toHaveLength(2)
  })
})

describe('getUser lesson', () => {
  test('leaves out email_confirmed_at for an unconfirmed user', async () => {
    const { data } = await project.service.auth.admin.createUser({
      email: 'alan@example.com',
      password: 'turing-1912',
    })
    expect(data.user).not.toHaveProperty('email_confirmed_at')
    expect(data.user).toHaveProperty('created_at')
  })
})

describe('updateUser lesson', () => {
  test('a new password ends the other sessions of the user', async () => {
    const laptop = newClient()
    const phone = newClient()
    await laptop.auth.signInWithPassword(ADA)
    await phone.auth.signInWithPassword(ADA)
    const { error } = await laptop.auth.updateUser({ password: 'difference-engine' })
    expect(error).toBeNull()

    expect((await phone.auth.refreshSession()).error).not.toBeNull()
    expect((await laptop.auth.getUser()).error).toBeNull()
  })
})

describe('auth overview lesson', () => {
  test('a refused insert is 403 with 42501 for a signed-in user', async () => {
    const client = newClient()
    await client.auth.signInWithPassword(ADA)
    const { status, error } = await client
      .from('notes')
      .insert({ body: 'x', owner_id: '22222222-2222-4222-8222-222222222222' })
    expect(status).toBe(403)
    expect(error?.code).toBe('42501')
  })
})

describe('MFA lessons', () => {
  test('enrolling a second factor after a verified one needs aal2', async () => {
    const { Secret, TOTP } = await import('otpauth')
    const client = newClient()
    await client.auth.signInWithPassword(ADA)
    const { data: factor } = await client.auth.mfa.enroll({ factorType: 'totp' })
    const code = new TOTP({ secret: Secret.fromBase32(factor!.totp.secret) }).generate()
    await client.auth.mfa.challengeAndVerify({ factorId: factor!.id, code })

    const fresh = newClient()
    await fresh.auth.signInWithPassword(ADA)
    const { error } = await fresh.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'second' })
    expect(error?.status).toBe(422)
    expect(error?.code).toBe('insufficient_aal')
  })

  // Not yet: the emulator answers phone factors with 501, which supabase-js turns into an
  // AuthRetryableFetchError that drops the sandbase_not_yet code; a 4xx status would keep it.
  test.todo('a phone factor answers with an error whose code is sandbase_not_yet')
})

describe('admin lessons', () => {
  test('soft deletion frees the address for a new user', async () => {
    await project.service.auth.admin.deleteUser(ADA_ID, true)
    const { data, error } = await newClient().auth.signUp(ADA)
    expect(error).toBeNull()
    expect(data.user?.id).not.toBe(ADA_ID)
  })

  test('a magic link for an unknown address fails with user_not_found', async () => {
    const { error } = await project.service.auth.admin.generateLink({
      type: 'magiclink',
      email: 'nobody@example.com',
    })
    expect(error?.status).toBe(404)
    expect(error?.code).toBe('user_not_found')
  })

  test('an unconfirmed user can be invited again', async () => {
    await setAuthSetting(project.emulator, 'mailer_autoconfirm', false)
    await newClient().auth.signUp({ email: 'alan@example.com', password: 'turing-1912' })
    const { data, error } = await project.service.auth.admin.inviteUserByEmail('alan@example.com')
    expect(error).toBeNull()
    expect(data.user?.invited_at).toEqual(expect.any(String))
  })
})

describe('linkIdentity lesson', () => {
  test('without a session the anon key names no user: 403 bad_jwt', async () => {
    const { error } = await newClient().auth.linkIdentity({
      provider: 'github',
      options: { skipBrowserRedirect: true },
    })
    expect(error?.status).toBe(403)
    expect(error?.code).toBe('bad_jwt')
  })
})
