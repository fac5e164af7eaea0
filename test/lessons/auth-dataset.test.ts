import type { SupabaseClient } from '@supabase/supabase-js'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { createProject, type Project } from '../helpers.ts'
import { createUserClient } from '../emulator/auth/helpers.ts'

const ADA = { email: 'ada@example.com', password: 'lovelace-1815' }
const GRACE = { email: 'grace@example.com', password: 'hopper-1906' }

let project: Project

const createBrowserClient = () => createUserClient(project.emulator)

async function signIn(credentials: { email: string; password: string }) {
  const client = createBrowserClient()
  const { error } = await client.auth.signInWithPassword(credentials)
  expect(error).toBeNull()
  return client
}

beforeAll(async () => {
  project = await createProject({ dataset: 'auth' })
})
afterAll(() => project.emulator.close())

describe('auth dataset', () => {
  beforeEach(() => project.emulator.reset())

  test('enables row level security on every public table', async () => {
    const { rows } = await project.emulator.db.query<{ relname: string }>(`
      select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'r' and n.nspname = 'public' and not c.relrowsecurity`)
    expect(rows).toEqual([])
  })

  test('the seeded users sign in with their documented passwords, by email and phone', async () => {
    const ada = await createBrowserClient().auth.signInWithPassword(ADA)
    expect(ada.error).toBeNull()
    expect(ada.data.user?.id).toBe('11111111-1111-4111-8111-111111111111')
    const grace = await createBrowserClient().auth.signInWithPassword(GRACE)
    expect(grace.data.user?.user_metadata.full_name).toBe('Grace Hopper')
    const byPhone = await createBrowserClient().auth.signInWithPassword({
      phone: '+15550100001',
      password: ADA.password,
    })
    expect(byPhone.data.user?.email).toBe('ada@example.com')
  })

  test('notes are owner only: anon 0, Ada 2, Grace 1, service role all 3', async () => {
    const count = async (client: SupabaseClient) => (await client.from('notes').select()).data
    expect(await count(project.anon)).toEqual([])
    expect(await count(await signIn(ADA))).toHaveLength(2)
    expect(await count(await signIn(GRACE))).toHaveLength(1)
    expect(await count(project.service)).toHaveLength(3)
  })

  test('a user cannot write a note as someone else, nor edit or delete theirs', async () => {
    const ada = await signIn(ADA)
    const forged = await ada
      .from('notes')
      .insert({ body: 'forged', owner_id: '22222222-2222-4222-8222-222222222222' })
    expect(forged.error?.code).toBe('42501')

    const edited = await ada.from('notes').update({ body: 'edited' }).eq('id', 3).select()
    expect(edited.data).toEqual([])
    const deleted = await ada.from('notes').delete().eq('id', 3).select()
    expect(deleted.data).toEqual([])
    const { data } = await project.service.from('notes').select('body').eq('id', 3).single()
    expect(data?.body).toBe('Found a moth in relay 70')
  })

  test('a new note gets its owner from the JWT', async () => {
    const grace = await signIn(GRACE)
    const { data } = await grace.from('notes').insert({ body: 'COBOL draft' }).select().single()
    expect(data?.owner_id).toBe('22222222-2222-4222-8222-222222222222')
  })

  test('signing up creates a profile from the user metadata', async () => {
    const client = createBrowserClient()
    const { data } = await client.auth.signUp({
      email: 'alan@example.com',
      password: 'turing-1912',
      options: { data: { username: 'alan', full_name: 'Alan Turing' } },
    })
    const profile = await client.from('profiles').select('username, full_name').single()
    expect(profile.data).toEqual({ username: 'alan', full_name: 'Alan Turing' })
    expect(data.user?.id).toEqual(expect.any(String))
  })

  test('only the service role may switch email confirmation', async () => {
    const denied = await project.anon.rpc('set_confirm_email', { enabled: true })
    expect(denied.error?.code).toBe('42501')

    const allowed = await project.service.rpc('set_confirm_email', { enabled: true })
    expect(allowed.error).toBeNull()
    const { data } = await createBrowserClient().auth.signUp({
      email: 'linus@example.com',
      password: 'long enough',
    })
    expect(data.session).toBeNull()
    expect(data.user?.email).toBe('linus@example.com')
  })

  test('only the service role may switch phone confirmation', async () => {
    const denied = await project.anon.rpc('set_confirm_phone', { enabled: true })
    expect(denied.error?.code).toBe('42501')

    await project.service.rpc('set_confirm_phone', { enabled: true })
    const { data } = await createBrowserClient().auth.signUp({
      phone: '+15550100099',
      password: 'long enough',
    })
    expect(data.session).toBeNull()
  })

  describe('RLS matrix: anon, Ada, Grace and the service role on notes and profiles', () => {
    const GRACE_NOTE = 3
    const ADA_NOTE = 1

    async function clients() {
      const [ada, grace] = [await signIn(ADA), await signIn(GRACE)]
      return { anon: project.anon, ada, grace, service: project.service }
    }

    test('select: each sees their own rows, the service role all', async () => {
      const { anon, ada, grace, service } = await clients()
      const ids = async (client: SupabaseClient, table: string) =>
        ((await client.from(table).select('id').order('id')).data ?? []).map((row) => row.id)
      expect(await ids(anon, 'notes')).toEqual([])
      expect(await ids(ada, 'notes')).toEqual([1, 2])
      expect(await ids(grace, 'notes')).toEqual([3])
      expect(await ids(service, 'notes')).toEqual([1, 2, 3])
      expect(await ids(anon, 'profiles')).toEqual([])
      expect(await ids(ada, 'profiles')).toEqual(['11111111-1111-4111-8111-111111111111'])
      expect(await ids(service, 'profiles')).toHaveLength(2)
      expect(await ids(ada, 'vault')).toEqual([])
    })

    test('insert: anon is refused, users only as themselves', async () => {
      const { anon, grace, service } = await clients()
      const byAnon = await anon.from('notes').insert({ body: 'anon' })
      expect(byAnon.status).toBe(401)
      expect(byAnon.error?.code).toBe('42501')
      expect((await grace.from('notes').insert({ body: 'mine' })).error).toBeNull()
      const asAda = await grace
        .from('notes')
        .insert({ body: 'forged', owner_id: '11111111-1111-4111-8111-111111111111' })
      expect(asAda.error?.code).toBe('42501')
      const byService = await service
        .from('notes')
        .insert({ body: 'server', owner_id: '11111111-1111-4111-8111-111111111111' })
      expect(byService.error).toBeNull()
    })

    test('update and delete: only the owner and the service role touch a row', async () => {
      const { anon, ada, grace, service } = await clients()
      const update = async (client: SupabaseClient) =>
        (await client.from('notes').update({ body: 'changed' }).eq('id', GRACE_NOTE).select()).data
      expect(await update(anon)).toEqual([])
      expect(await update(ada)).toEqual([])
      expect(await update(grace)).toHaveLength(1)
      expect(await update(service)).toHaveLength(1)

      const remove = async (client: SupabaseClient) =>
        (await client.from('notes').delete().eq('id', ADA_NOTE).select()).data
      expect(await remove(anon)).toEqual([])
      expect(await remove(grace)).toEqual([])
      expect(await remove(ada)).toHaveLength(1)

      const profile = await grace
        .from('profiles')
        .update({ full_name: 'Not Ada' })
        .eq('id', '11111111-1111-4111-8111-111111111111')
        .select()
      expect(profile.data).toEqual([])
    })
  })
})
