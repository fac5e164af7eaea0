/**
 * Inputs at the edges of what one request's statement carries over the wire protocol: more
 * values than a Bind message can count, and JSON nested deeper than PGlite's stack allows.
 * A reader relies on a Postgres-shaped answer and on the emulator serving the next request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProject, type Project } from '../helpers.ts'

const SQL = `
create table notes (id int primary key, body text);
insert into notes values (1, 'one'), (2, 'two'), (3, 'three');
create table docs (id int primary key, body jsonb);
grant select, insert on notes, docs to anon;
create function depth_of(doc jsonb) returns int language sql
  as $$ select 1 $$;
create function stop_listening() returns text language plpgsql
  as $$ begin unlisten *; return 'deaf'; end $$;
create function make_shelf() returns text language plpgsql security definer as $$
begin
  create table shelf (id int primary key);
  grant select on shelf to anon;
  return 'made';
end $$;
`

describe('request statements at the wire protocol edges', () => {
  let project: Project

  beforeAll(async () => {
    project = await createProject({ sql: SQL })
  })
  afterAll(() => project.emulator.close())

  it('filters with in() on 70000 values, more than a Bind message can count', async () => {
    // PostgREST binds the list as one array (`= any($1)`), so its length has no limit.
    const ids = Array.from({ length: 70_000 }, (_, i) => i + 2)
    const { data, error, status } = await project.anon.from('notes').select('id').in('id', ids)
    expect(error).toBeNull()
    expect(status).toBe(200)
    expect(data).toEqual([{ id: 2 }, { id: 3 }])
  })

  it('matches in() values holding quotes, commas, backslashes and braces as written', async () => {
    const bodies = ['a "quoted" one', 'with, comma', 'back\\slash', '{braced}', 'null', 'two']
    await project.service.from('notes').insert(
      bodies.slice(0, 5).map((body, i) => ({
        id: 10 + i,
        body,
      })),
    )
    const { data, error } = await project.anon
      .from('notes')
      .select('id')
      .in('body', bodies)
      .order('id')
    expect(error).toBeNull()
    expect(data).toEqual([{ id: 2 }, { id: 10 }, { id: 11 }, { id: 12 }, { id: 13 }, { id: 14 }])
  })

  it('answers JSON nested 10000 deep with 54001 and keeps serving', async () => {
    // Postgres stops runaway nesting with "stack depth limit exceeded"; PGlite's WASM stack
    // would overflow first, losing the error and breaking the backend. The bodies are sent
    // as text: JSON.stringify itself overflows on them.
    const { url, anonKey, fetch } = project.emulator
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n)
    const post = (path: string, body: string) =>
      fetch(`${url}/rest/v1/${path}`, {
        method: 'POST',
        headers: { apikey: anonKey, 'content-type': 'application/json' },
        body,
      })

    const called = await post('rpc/depth_of', `{"doc": ${deep(10_000)}}`)
    expect(called.status).toBe(500)
    expect((await called.json()).code).toBe('54001')

    const inserted = await post('docs', `{"id": 1, "body": ${deep(20_000)}}`)
    expect((await inserted.json()).code).toBe('54001')

    const filter = encodeURIComponent(deep(30_000))
    const filtered = await fetch(`${url}/rest/v1/docs?select=id&body=eq.${filter}`, {
      headers: { apikey: anonKey },
    })
    expect((await filtered.json()).code).toBe('54001')

    const shallow = await project.anon.rpc('depth_of', { doc: JSON.parse(deep(100)) })
    expect(shallow.data).toBe(1)
    const after = await project.anon.from('notes').select('id').eq('id', 3)
    expect(after.data).toEqual([{ id: 3 }])
  })

  it('answers a statement PGlite runs out of stack on with 54001, and keeps serving', async () => {
    // A regular expression of 3000 nested groups overflows PGlite's WASM stack while Postgres
    // compiles it, below Postgres's own depth check; the statement then answers nothing.
    const pattern = '('.repeat(3000) + 'o' + ')'.repeat(3000)
    const failed = await project.anon.from('notes').select('id').filter('body', 'match', pattern)
    expect(failed.status).toBe(500)
    expect(failed.error?.code).toBe('54001')

    const after = await project.anon.from('notes').select('id').eq('id', 1)
    expect(after.data).toEqual([{ id: 1 }])
  })

  it('still refreshes the schema cache after DDL once a function ran UNLISTEN *', async () => {
    // On Supabase the schema cache listener has a connection of its own, which a function's
    // UNLISTEN in the request's session cannot reach.
    const deaf = await project.anon.rpc('stop_listening')
    expect(deaf.data).toBe('deaf')
    const made = await project.service.rpc('make_shelf')
    expect(made.data).toBe('made')

    const shelf = await project.anon.from('shelf').select('id')
    expect(shelf.error).toBeNull()
    expect(shelf.data).toEqual([])
  })
})

describe('a backend PGlite leaves broken', () => {
  let project: Project

  beforeAll(async () => {
    project = await createProject({
      sql: `
create table notes (id int primary key);
insert into notes values (1);
grant select on notes to anon;
create function parse_it(doc text) returns int language sql
  as $$ select jsonb_array_length(doc::jsonb) $$;`,
    })
  })
  afterAll(() => project.emulator.close())

  it('answers the next request with an error that says to reset, instead of hanging', async () => {
    // Text the function itself parses as JSON escapes the guard on JSON parameters: PGlite's
    // stack overflows in a SQL function and leaves the backend unable to answer again.
    const deep = '['.repeat(10_000) + ']'.repeat(10_000)
    const failed = await project.anon.rpc('parse_it', { doc: deep })
    expect(failed.status).toBe(500)

    const next = await project.anon.from('notes').select('id')
    expect(next.status).toBe(500)
    expect(next.error?.message).toMatch(/reset/)

    await project.emulator.reset()
    const after = await project.anon.from('notes').select('id')
    expect(after.data).toEqual([{ id: 1 }])
  })
})
