import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { createProject, type Project } from '../../helpers.ts'

const SQL = `
create table books (
  id int primary key,
  title text not null,
  stock int not null default 0,
  details jsonb
);
create table notes (id int primary key, body text);
alter table notes enable row level security;
create policy "read all" on notes for select using (true);
`

describe('update', () => {
  let project: Project
  beforeAll(async () => {
    project = await createProject({ sql: SQL })
  })
  beforeEach(async () => {
    await project.emulator.db.exec(`
      truncate books, notes;
      insert into books values
        (1, 'Dune', 3, null), (2, 'Emma', 0, '{"pages": 474}'), (3, 'Ulysses', 0, null);
      insert into notes values (1, 'hello');`)
  })
  afterAll(() => project.emulator.close())

  const rows = async (sql: string) => (await project.emulator.db.query(sql)).rows

  test('update().eq() changes the matching row and answers 204 without a body', async () => {
    const result = await project.anon.from('books').update({ stock: 7 }).eq('id', 1)
    expect(result).toMatchObject({ data: null, error: null, status: 204, statusText: 'No Content' })
    expect(await rows('select id, stock from books order by id')).toEqual([
      { id: 1, stock: 7 },
      { id: 2, stock: 0 },
      { id: 3, stock: 0 },
    ])
  })

  test('update().select() answers 200 with the updated rows', async () => {
    const { data, status } = await project.anon
      .from('books')
      .update({ stock: 5 })
      .eq('stock', 0)
      .select('id, stock')
    expect(status).toBe(200)
    expect(data).toEqual([
      { id: 2, stock: 5 },
      { id: 3, stock: 5 },
    ])
  })

  test('updates a JSON column with a nested value', async () => {
    const details = { pages: 412, tags: ['sci-fi', 'classic'], first: { year: 1965 } }
    const { data, error } = await project.anon
      .from('books')
      .update({ details })
      .eq('id', 1)
      .select('details')
      .single()
    expect(error).toBeNull()
    expect(data).toEqual({ details })
    expect(await rows(`select details->'first'->>'year' as year from books where id = 1`)).toEqual([
      { year: '1965' },
    ])
  })

  test('update with in() and count: exact reports the rows changed in Content-Range', async () => {
    const { count, status } = await project.anon
      .from('books')
      .update({ stock: 1 }, { count: 'exact' })
      .in('id', [2, 3])
    expect({ count, status }).toEqual({ count: 2, status: 204 })

    const response = await project.emulator.fetch(
      `${project.emulator.url}/rest/v1/books?id=in.(1,2)`,
      {
        method: 'PATCH',
        headers: {
          apikey: project.emulator.anonKey,
          'content-type': 'application/json',
          prefer: 'count=exact',
        },
        body: '{"stock": 9}',
      },
    )
    expect(response.headers.get('content-range')).toBe('0-1/2')
  })

  test('Content-Range is */* when nothing matched and no count was asked', async () => {
    const response = await project.emulator.fetch(
      `${project.emulator.url}/rest/v1/books?id=eq.99`,
      {
        method: 'PATCH',
        headers: {
          apikey: project.emulator.anonKey,
          'content-type': 'application/json',
          prefer: 'return=representation',
        },
        body: '{"stock": 9}',
      },
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('content-range')).toBe('*/*')
    expect(await response.json()).toEqual([])
  })

  test('without filters every row is updated, as PostgREST does', async () => {
    const { status } = await project.service.from('books').update({ stock: 2 }).gt('id', 0)
    expect(status).toBe(204)
    expect(await rows('select distinct stock from books')).toEqual([{ stock: 2 }])
  })

  test('max-affected with handling=strict refuses to change more rows, and rolls back', async () => {
    const response = await project.emulator.fetch(
      `${project.emulator.url}/rest/v1/books?stock=eq.0`,
      {
        method: 'PATCH',
        headers: {
          apikey: project.emulator.anonKey,
          'content-type': 'application/json',
          prefer: 'handling=strict, max-affected=1',
        },
        body: '{"stock": 4}',
      },
    )
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      code: 'PGRST124',
      message: 'Query result exceeds max-affected preference constraint',
      details: 'The query affects 2 rows',
      hint: null,
    })
    expect(await rows('select count(*)::int as n from books where stock = 4')).toEqual([{ n: 0 }])
  })

  test('max-affected within the limit is applied and echoed', async () => {
    const response = await project.emulator.fetch(`${project.emulator.url}/rest/v1/books?id=eq.1`, {
      method: 'PATCH',
      headers: {
        apikey: project.emulator.anonKey,
        'content-type': 'application/json',
        prefer: 'handling=strict, max-affected=1',
      },
      body: '{"stock": 4}',
    })
    expect(response.status).toBe(204)
    expect(response.headers.get('preference-applied')).toBe('handling=strict, max-affected=1')
  })

  test('errs with 400 PGRST204 on a key that is not a column', async () => {
    const { error, status } = await project.anon.from('books').update({ author: 'x' }).eq('id', 1)
    expect(status).toBe(400)
    expect(error?.message).toBe("Could not find the 'author' column of 'books' in the schema cache")
  })

  test('under RLS with no update policy nothing is changed and no error is raised', async () => {
    const { error, status } = await project.anon.from('notes').update({ body: 'bye' }).eq('id', 1)
    expect({ error, status }).toEqual({ error: null, status: 204 })
    expect(await rows('select body from notes')).toEqual([{ body: 'hello' }])
  })

  test('values and keys meant as SQL are only ever data or unknown columns', async () => {
    const sneaky = "x'); drop table books; --"
    const { error } = await project.anon
      .from('books')
      .update({ title: sneaky })
      .eq('id', `1' or '1'='1`)
    // The filter value is bound as a parameter: not an integer, so Postgres refuses it.
    expect(error?.code).toBe('22P02')
    await project.anon.from('books').update({ title: sneaky }).eq('id', 1)
    expect(await rows('select title from books where id = 1')).toEqual([{ title: sneaky }])

    const badKey = await project.anon
      .from('books')
      .update({ 'title" = null; drop table books; --': 1 })
      .eq('id', 1)
    expect(badKey.error?.code).toBe('PGRST204')
    const badColumn = await project.anon
      .from('books')
      .update({ stock: 1 })
      .eq('id"; drop table books; --', 1)
    // PostgREST's column-name grammar has no room for a bare quote or semicolon.
    expect(badColumn.error?.code).toBe('PGRST100')
    expect(await rows('select count(*)::int as n from books')).toEqual([{ n: 3 }])
  })
})
