import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createProject, type Project } from '../../helpers.ts'
import { callAuth, createUserClient, readInbox, uniqueEmail } from './helpers.ts'

let project: Project

beforeAll(async () => {
  project = await createProject()
})
afterAll(() => project.emulator.close())

async function createConfirmedUser(email = uniqueEmail()) {
  const { data, error } = await project.service.auth.admin.createUser({
    email,
    password: 'long enough',
    email_confirm: true,
  })
  expect(error).toBeNull()
  return data.user!
}

describe('admin access', () => {
  test('errs with not_admin (403) for the anon key', async () => {
    const { data, error } = await project.anon.auth.admin.listUsers()
    expect(data).toEqual({ users: [] })
    expect(error).toMatchObject({ status: 403, code: 'not_admin', message: 'User not allowed' })
  })

  test("errs with not_admin (403) for a signed-in user's token", async () => {
    const client = createUserClient(project.emulator)
    const { data } = await client.auth.signUp({ email: uniqueEmail(), password: 'long enough' })
    const { status, body } = await callAuth(project.emulator, 'GET', '/admin/users', {
      token: data.session!.access_token,
    })
    expect(status).toBe(403)
    expect(body.code).toBe('not_admin')
  })
})

describe('admin.createUser', () => {
  test('creates a confirmed user with metadata who can sign in', async () => {
    const email = uniqueEmail()
    const { data, error } = await project.service.auth.admin.createUser({
      email,
      password: 'long enough',
      email_confirm: true,
      user_metadata: { name: 'Grace' },
      app_metadata: { plan: 'pro' },
    })
    expect(error).toBeNull()
    expect(data.user).toMatchObject({
      email,
      user_metadata: { name: 'Grace' },
      app_metadata: { provider: 'email', providers: ['email'], plan: 'pro' },
    })
    expect(data.user?.email_confirmed_at).toEqual(expect.any(String))
    const signIn = await createUserClient(project.emulator).auth.signInWithPassword({
      email,
      password: 'long enough',
    })
    expect(signIn.error).toBeNull()
  })

  test('without email_confirm the user cannot sign in yet', async () => {
    const email = uniqueEmail()
    await project.service.auth.admin.createUser({ email, password: 'long enough' })
    const { error } = await createUserClient(project.emulator).auth.signInWithPassword({
      email,
      password: 'long enough',
    })
    expect(error).toMatchObject({ code: 'email_not_confirmed' })
  })

  test('errs with email_exists (422) for a registered email', async () => {
    const user = await createConfirmedUser()
    const { error } = await project.service.auth.admin.createUser({ email: user.email })
    expect(error).toMatchObject({
      status: 422,
      code: 'email_exists',
      message: 'A user with this email address has already been registered',
    })
  })
})

describe('admin.getUserById', () => {
  test('returns the user, or user_not_found (404)', async () => {
    const user = await createConfirmedUser()
    const found = await project.service.auth.admin.getUserById(user.id)
    expect(found.data.user?.email).toBe(user.email)
    const missing = await project.service.auth.admin.getUserById(crypto.randomUUID())
    expect(missing.error).toMatchObject({
      status: 404,
      code: 'user_not_found',
      message: 'User not found',
    })
  })
})

describe('admin.listUsers', () => {
  let fresh: Project
  beforeAll(async () => {
    fresh = await createProject()
    for (const name of ['a', 'b', 'c']) {
      await fresh.service.auth.admin.createUser({ email: uniqueEmail(name) })
    }
  })
  afterAll(() => fresh.emulator.close())

  test('pages with page and perPage and reports the total', async () => {
    const first = await fresh.service.auth.admin.listUsers({ page: 1, perPage: 2 })
    expect(first.error).toBeNull()
    expect(first.data.users).toHaveLength(2)
    expect(first.data).toMatchObject({ total: 3, nextPage: 2, lastPage: 2 })

    const second = await fresh.service.auth.admin.listUsers({ page: 2, perPage: 2 })
    expect(second.data.users).toHaveLength(1)
    expect(second.data).toMatchObject({ total: 3, nextPage: null, lastPage: 2 })
    const ids = [...first.data.users, ...second.data.users].map((user) => user.id)
    expect(new Set(ids).size).toBe(3)
  })

  test('sends X-Total-Count and a Link header with next and last', async () => {
    const response = await fresh.emulator.fetch(
      `${fresh.emulator.url}/auth/v1/admin/users?page=1&per_page=2`,
      {
        headers: {
          apikey: fresh.emulator.serviceRoleKey,
          authorization: `Bearer ${fresh.emulator.serviceRoleKey}`,
        },
      },
    )
    expect(response.headers.get('x-total-count')).toBe('3')
    expect(response.headers.get('link')).toBe(
      '</admin/users?page=2&per_page=2>; rel="next", </admin/users?page=2&per_page=2>; rel="last"',
    )
  })
})

describe('admin.updateUserById', () => {
  test('changes email and metadata at once', async () => {
    const user = await createConfirmedUser()
    const email = uniqueEmail('renamed')
    const { data, error } = await project.service.auth.admin.updateUserById(user.id, {
      email,
      user_metadata: { nickname: 'G' },
    })
    expect(error).toBeNull()
    expect(data.user).toMatchObject({ email, user_metadata: { nickname: 'G' } })
  })

  test('bans with ban_duration and lifts the ban with none', async () => {
    const user = await createConfirmedUser()
    const client = createUserClient(project.emulator)
    const credentials = { email: user.email!, password: 'long enough' }

    const banned = await project.service.auth.admin.updateUserById(user.id, { ban_duration: '24h' })
    expect(new Date(banned.data.user!.banned_until!).getTime()).toBeGreaterThan(
      Date.now() + 23 * 3600_000,
    )
    expect((await client.auth.signInWithPassword(credentials)).error).toMatchObject({
      code: 'user_banned',
    })

    await project.service.auth.admin.updateUserById(user.id, { ban_duration: 'none' })
    expect((await client.auth.signInWithPassword(credentials)).error).toBeNull()
  })

  test('errs with validation_failed for a malformed ban duration', async () => {
    const user = await createConfirmedUser()
    const { error } = await project.service.auth.admin.updateUserById(user.id, {
      ban_duration: 'forever',
    })
    expect(error).toMatchObject({ status: 400, code: 'validation_failed' })
  })
})

describe('admin.deleteUser', () => {
  test('hard delete removes the user and its identities', async () => {
    const user = await createConfirmedUser()
    expect((await project.service.auth.admin.deleteUser(user.id)).error).toBeNull()
    expect((await project.service.auth.admin.getUserById(user.id)).error?.status).toBe(404)
    const { rows } = await project.emulator.db.query(
      'select 1 from auth.identities where user_id = $1',
      [user.id],
    )
    expect(rows).toEqual([])
  })

  test('soft delete keeps the row with deleted_at and frees the address', async () => {
    const user = await createConfirmedUser()
    expect((await project.service.auth.admin.deleteUser(user.id, true)).error).toBeNull()
    const { data } = await project.service.auth.admin.getUserById(user.id)
    expect(data.user?.deleted_at).toEqual(expect.any(String))

    const client = createUserClient(project.emulator)
    const signIn = await client.auth.signInWithPassword({
      email: user.email!,
      password: 'long enough',
    })
    expect(signIn.error).toMatchObject({ code: 'invalid_credentials' })
    const again = await client.auth.signUp({ email: user.email!, password: 'long enough' })
    expect(again.error).toBeNull()
    expect(again.data.user?.id).not.toBe(user.id)
  })
})

describe('admin.inviteUserByEmail', () => {
  test('creates an invited user and emails a link whose code signs them in', async () => {
    const email = uniqueEmail('invitee')
    const { data, error } = await project.service.auth.admin.inviteUserByEmail(email, {
      data: { team: 'blue' },
      redirectTo: 'https://app.example.com/accept',
    })
    expect(error).toBeNull()
    expect(data.user).toMatchObject({ email, user_metadata: { team: 'blue' } })
    expect(data.user?.invited_at).toEqual(expect.any(String))

    const [message] = await readInbox(project.emulator, email)
    expect(message.kind).toBe('invite')
    const link = new URL(message.link!)
    expect(link.searchParams.get('type')).toBe('invite')
    expect(link.searchParams.get('redirect_to')).toBe('https://app.example.com/accept')
    const verified = await createUserClient(project.emulator).auth.verifyOtp({
      email,
      token: message.code!,
      type: 'invite',
    })
    expect(verified.error).toBeNull()
  })

  test('errs with email_exists (422) for a confirmed user', async () => {
    const user = await createConfirmedUser()
    const { error } = await project.service.auth.admin.inviteUserByEmail(user.email!)
    expect(error).toMatchObject({ status: 422, code: 'email_exists' })
  })
})

describe('admin.generateLink', () => {
  test('signup returns the link and code and sends nothing', async () => {
    const email = uniqueEmail()
    const { data, error } = await project.service.auth.admin.generateLink({
      type: 'signup',
      email,
      password: 'long enough',
    })
    expect(error).toBeNull()
    expect(data.user?.email).toBe(email)
    expect(data.properties).toMatchObject({ verification_type: 'signup' })
    expect(data.properties?.email_otp).toMatch(/^\d{6}$/)
    expect(new URL(data.properties!.action_link).searchParams.get('token')).toBe(
      data.properties?.hashed_token,
    )
    expect(await readInbox(project.emulator, email)).toEqual([])
    const verified = await createUserClient(project.emulator).auth.verifyOtp({
      email,
      token: data.properties!.email_otp,
      type: 'signup',
    })
    expect(verified.error).toBeNull()
  })

  test('magiclink, recovery and invite give codes that verify', async () => {
    for (const type of ['magiclink', 'recovery'] as const) {
      const user = await createConfirmedUser()
      const { data } = await project.service.auth.admin.generateLink({ type, email: user.email! })
      expect(data.properties?.verification_type).toBe(type)
      const verified = await createUserClient(project.emulator).auth.verifyOtp({
        token_hash: data.properties!.hashed_token,
        type,
      })
      expect(verified.error).toBeNull()
    }
    const email = uniqueEmail('invited')
    const invite = await project.service.auth.admin.generateLink({ type: 'invite', email })
    expect(invite.data.properties?.verification_type).toBe('invite')
    expect(invite.data.user?.invited_at).toEqual(expect.any(String))
  })

  test('email_change_current and email_change_new together change the email', async () => {
    const user = await createConfirmedUser()
    const newEmail = uniqueEmail('changed')
    const links = []
    for (const type of ['email_change_current', 'email_change_new'] as const) {
      const { data, error } = await project.service.auth.admin.generateLink({
        type,
        email: user.email!,
        newEmail,
      })
      expect(error).toBeNull()
      expect(data.properties?.verification_type).toBe('email_change')
      links.push(data.properties!.hashed_token)
    }
    const client = createUserClient(project.emulator)
    const first = await client.auth.verifyOtp({ token_hash: links[0], type: 'email_change' })
    expect(first.data.user).toBeNull()
    const second = await client.auth.verifyOtp({ token_hash: links[1], type: 'email_change' })
    expect(second.data.user?.email).toBe(newEmail)
  })

  test('recovery for an unknown email errs with user_not_found (404)', async () => {
    const { error } = await project.service.auth.admin.generateLink({
      type: 'recovery',
      email: uniqueEmail('unknown'),
    })
    expect(error).toMatchObject({ status: 404, code: 'user_not_found' })
  })
})
