import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import { createProject, type Project } from '../../helpers.ts'
import { signJwt } from '../../../src/emulator/keys.ts'
import { EmulatorSocket } from '../../../src/emulator/realtime/transport.ts'

const ALICE = '00000000-0000-0000-0000-00000000000a'
const BOB = '00000000-0000-0000-0000-00000000000b'

const SQL = `
create table notes (
  id serial primary key,
  owner uuid not null default auth.uid(),
  body text
);
alter table notes enable row level security;
create policy "own notes are readable" on notes for select using (owner = auth.uid());
create policy "own notes can be added" on notes for insert with check (owner = auth.uid());
create policy "own notes can be changed" on notes for update using (owner = auth.uid());
create policy "own notes can be removed" on notes for delete using (owner = auth.uid());

create table feedback (id serial primary key, body text);
alter table feedback enable row level security;
create policy "anyone can send feedback" on feedback for insert with check (true);

create function my_note_count() returns bigint language sql stable as $$
  select count(*) from notes $$;
`

describe('writes under row level security', () => {
  let project: Project
  let alice: SupabaseClient
  let bob: SupabaseClient

  const signIn = async (sub: string) => {
    const token = await signJwt(
      { role: 'authenticated', sub, exp: Math.floor(Date.now() / 1000) + 3600 },
      project.emulator.jwtSecret,
    )
    return createClient(project.emulator.url, project.emulator.anonKey, {
      global: { fetch: project.emulator.fetch, headers: { Authorization: `Bearer ${token}` } },
      auth: { persistSession: false, autoRefreshToken: false },
      realtime: { transport: EmulatorSocket as never },
    })
  }

  beforeAll(async () => {
    project = await createProject({ sql: SQL })
    alice = await signIn(ALICE)
    bob = await signIn(BOB)
  })
  afterAll(() => project.emulator.close())

  test('a signed-in user inserts a row owned by auth.uid() through the column default', async () => {
    const { data, status } = await alice.from('notes').insert({ body: 'from alice' }).select()
    expect(status).toBe(201)
    expect(data).toEqual([{ id: 1, owner: ALICE, body: 'from alice' }])
  })

  test('inserting a row owned by someone else is 403 for a signed-in user', async () => {
    const { error, status } = await bob.from('notes').insert({ owner: ALICE, body: 'forged' })
    expect(status).toBe(403)
    expect(error?.message).toBe('new row violates row-level security policy for table "notes"')
  })

  test('anon cannot insert: the policy check fails (before NOT NULL) with 401', async () => {
    const { error, status } = await project.anon.from('notes').insert({ body: 'anonymous' })
    // Postgres checks the policies' WITH CHECK before the table's constraints.
    expect(status).toBe(401)
    expect(error?.code).toBe('42501')
  })

  test("update and delete only reach the caller's own rows", async () => {
    await bob.from('notes').insert({ body: 'from bob' })
    const update = await bob.from('notes').update({ body: 'edited' }).gt('id', 0).select('body')
    expect(update.data).toEqual([{ body: 'edited' }])
    const remove = await bob.from('notes').delete({ count: 'exact' }).gt('id', 0)
    expect(remove.count).toBe(1)

    const { rows } = await project.emulator.db.query('select owner, body from notes order by id')
    expect(rows).toEqual([{ owner: ALICE, body: 'from alice' }])
  })

  test('service_role writes past every policy', async () => {
    const { status } = await project.service
      .from('notes')
      .update({ body: 'moderated' })
      .eq('owner', ALICE)
    expect(status).toBe(204)
    const { rows } = await project.emulator.db.query('select body from notes')
    expect(rows).toEqual([{ body: 'moderated' }])
  })

  test('an rpc runs as the caller, so RLS decides what the function sees', async () => {
    expect((await alice.rpc('my_note_count')).data).toBe(1)
    expect((await bob.rpc('my_note_count')).data).toBe(0)
    expect((await project.anon.rpc('my_note_count')).data).toBe(0)
    expect((await project.service.rpc('my_note_count')).data).toBe(1)
  })

  test('an insert-only policy accepts a plain insert but not one that reads the row back', async () => {
    const plain = await project.anon.from('feedback').insert({ body: 'nice' })
    expect(plain.status).toBe(201)
    // return=representation reads the new row, which needs a SELECT policy too.
    const readBack = await project.anon.from('feedback').insert({ body: 'nice' }).select()
    expect(readBack.status).toBe(401)
    expect(readBack.error?.message).toBe(
      'new row violates row-level security policy for table "feedback"',
    )
    const { rows } = await project.emulator.db.query('select body from feedback')
    expect(rows).toEqual([{ body: 'nice' }])
  })
})
