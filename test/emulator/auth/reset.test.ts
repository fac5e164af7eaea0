import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createProject, type Project } from '../../helpers.ts'
import { callAuth, createUserClient, readInbox, uniqueEmail } from './helpers.ts'

let project: Project

beforeAll(async () => {
  project = await createProject()
})
afterAll(() => project.emulator.close())

describe('reset', () => {
  test('clears users, sessions and the Inbox along with the data', async () => {
    const email = uniqueEmail()
    const client = createUserClient(project.emulator)
    const { data } = await client.auth.signUp({ email, password: 'long enough' })
    await client.auth.resetPasswordForEmail(email)
    expect(await readInbox(project.emulator, email)).toHaveLength(1)

    await project.emulator.reset()

    expect(await readInbox(project.emulator, email)).toEqual([])
    const { status, body } = await callAuth(project.emulator, 'GET', '/user', {
      token: data.session!.access_token,
    })
    expect(status).toBe(403)
    expect(body.code).toBe('user_not_found')
    const signIn = await client.auth.signInWithPassword({ email, password: 'long enough' })
    expect(signIn.error).toMatchObject({ code: 'invalid_credentials' })
  })

  test('records sign-ins in auth.audit_log_entries and sessions in auth.sessions', async () => {
    const email = uniqueEmail()
    const client = createUserClient(project.emulator)
    const { data } = await client.auth.signUp({ email, password: 'long enough' })
    const { rows: sessions } = await project.emulator.db.query<{ aal: string }>(
      'select aal from auth.sessions where user_id = $1',
      [data.user!.id],
    )
    expect(sessions).toEqual([{ aal: 'aal1' }])
    const { rows: audit } = await project.emulator.db.query<{ action: string }>(
      `select payload ->> 'action' as action from auth.audit_log_entries
       where payload ->> 'actor_id' = $1 order by created_at`,
      [data.user!.id],
    )
    expect(audit.map((row) => row.action)).toContain('login')
  })
})

describe('a failing trigger on auth.users', () => {
  let broken: Project
  beforeAll(async () => {
    broken = await createProject({
      sql: `create function public.refuse() returns trigger language plpgsql as $$
        begin raise exception 'profiles are closed'; end $$;
        create trigger refuse_signups before insert on auth.users
          for each row execute function public.refuse();`,
    })
  })
  afterAll(() => broken.emulator.close())

  test('answers 500 unexpected_failure and leaves no user behind', async () => {
    const email = uniqueEmail()
    const { status, body } = await callAuth(broken.emulator, 'POST', '/signup', {
      body: { email, password: 'long enough' },
    })
    expect(status).toBe(500)
    expect(body.code).toBe('unexpected_failure')
    expect(body.message).toContain('profiles are closed')
    const { rows } = await broken.emulator.db.query('select 1 from auth.users')
    expect(rows).toEqual([])
  })
})
