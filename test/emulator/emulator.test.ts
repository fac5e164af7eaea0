import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createClient } from '@supabase/supabase-js'
import { createProject, type Project } from '../helpers.ts'
import { EmulatorSocket } from '../../src/emulator/realtime/transport.ts'
import type { TraceEvent } from '../../src/emulator/index.ts'

const SQL = `
create table notes (id int primary key, body text, owner uuid);
insert into notes values (1, 'public note', null), (2, 'private', '00000000-0000-0000-0000-000000000001');
alter table notes enable row level security;
create policy "anyone reads unowned notes" on notes for select using (owner is null);
`

describe('createEmulator', () => {
  let project: Project
  beforeAll(async () => {
    project = await createProject({ sql: SQL })
  })
  afterAll(() => project.emulator.close())

  test('a fresh project serves a new public table to anon, filtered by RLS', async () => {
    const { data, error, status, statusText } = await project.anon.from('notes').select()
    expect(error).toBeNull()
    expect({ status, statusText }).toEqual({ status: 200, statusText: 'OK' })
    expect(data).toEqual([{ id: 1, body: 'public note', owner: null }])
  })

  test('service_role bypasses row level security', async () => {
    const { data } = await project.service.from('notes').select()
    expect(data).toHaveLength(2)
  })

  test('a token signed with another secret is rejected with 401 PGRST301', async () => {
    const forged =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.' +
      'c2lnbmF0dXJlLW1hZGUtdXAtYnktYW4tYXR0YWNrZXI'
    const client = createClient(project.emulator.url, project.emulator.anonKey, {
      global: { fetch: project.emulator.fetch, headers: { Authorization: `Bearer ${forged}` } },
      auth: { persistSession: false },
      realtime: { transport: EmulatorSocket as never },
    })
    const { data, error, status } = await client.from('notes').select()
    expect(status).toBe(401)
    expect(data).toBeNull()
    expect(error?.code).toBe('PGRST301')
  })

  test('a missing apikey is refused by the gateway', async () => {
    const response = await project.emulator.fetch(`${project.emulator.url}/rest/v1/notes`)
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ message: 'No API key found in request' })
  })

  test('traces the request, the SQL run as anon, and the response', async () => {
    const events: TraceEvent[] = []
    const unsubscribe = project.emulator.trace.subscribe((event) => events.push(event))
    await project.anon.from('notes').select()
    unsubscribe()

    const types = events.map((event) => event.type)
    expect(types[0]).toBe('http-request')
    expect(types.at(-1)).toBe('http-response')
    const sql = events.filter((event) => event.type === 'sql')
    expect(
      sql.some((event) => /set_config\('role'/.test(event.sql) && event.params[0] === 'anon'),
    ).toBe(true)
  })

  test('reset restores the data the project booted with', async () => {
    await project.emulator.db.exec('delete from notes')
    await project.emulator.reset()
    const { data } = await project.service.from('notes').select()
    expect(data).toHaveLength(2)
  })
})

describe('snapshots', () => {
  test('a project booted from a snapshot continues its sequences where they were', async () => {
    const project = await createProject({
      sql: `create table tags (id int generated always as identity primary key, name text);
insert into tags (name) values ('a'), ('b'), ('c');`,
    })
    const { data } = await project.service.from('tags').insert({ name: 'd' }).select('id')
    await project.emulator.close()
    expect(data).toEqual([{ id: 4 }])
  })
})

describe('the gateway', () => {
  test('refuses an apikey that is a validly signed token but not a project key', async () => {
    const project = await createProject()
    const { signJwt } = await import('../../src/emulator/keys.ts')
    const token = await signJwt({ role: 'postgres' }, project.emulator.jwtSecret)
    const response = await project.emulator.fetch(`${project.emulator.url}/rest/v1/x`, {
      headers: { apikey: token },
    })
    await project.emulator.close()
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ message: 'Invalid API key' })
  })

  test('says that Storage and Edge Functions are not emulated yet, instead of a bare 404', async () => {
    const project = await createProject()
    const buckets = await project.anon.storage.listBuckets()
    const invoked = await project.anon.functions.invoke('hello')
    await project.emulator.close()

    expect(buckets.error?.message).toBe('Sandbase does not emulate Storage yet')
    const context = (invoked.error as { context?: Response } | null)?.context
    expect(context?.status).toBe(501)
    expect(await context?.json()).toMatchObject({
      message: 'Sandbase does not emulate Edge Functions yet',
    })
  })
})
