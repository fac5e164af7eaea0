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
