/**
 * With more than one exposed schema (Supabase exposes public and graphql_public), PostgREST
 * names the schema of every answer with a body in `Content-Profile`; error answers carry none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProject, fetchRest, type Project } from '../../helpers.ts'

const SQL = `
create table notes (id int primary key, body text);
insert into notes values (1, 'first');
grant select, insert on notes to anon;
create function note_count() returns bigint language sql stable as $$
  select count(*) from notes $$;
`

describe('Content-Profile on answers', () => {
  let project: Project
  beforeAll(async () => {
    project = await createProject({ sql: SQL })
  })
  afterAll(() => project.emulator.close())

  const request = (path: string, init: RequestInit = {}) => fetchRest(project, path, init)

  it('a read, an rpc and a write returning rows name the schema they used', async () => {
    const read = await request('notes?select=id')
    expect(read.headers.get('content-profile')).toBe('public')

    const call = await request('rpc/note_count', { method: 'POST', body: '{}' })
    expect(call.headers.get('content-profile')).toBe('public')

    const written = await project.emulator.fetch(`${project.emulator.url}/rest/v1/notes`, {
      method: 'POST',
      headers: {
        apikey: project.emulator.anonKey,
        'content-type': 'application/json',
        prefer: 'return=representation',
      },
      body: JSON.stringify({ id: 3, body: 'third' }),
    })
    expect(written.headers.get('content-profile')).toBe('public')
  })

  it('an error answer carries no Content-Profile', async () => {
    const missing = await request('no_such_table')
    expect(missing.status).toBe(404)
    expect(missing.headers.get('content-profile')).toBeNull()
  })
})
