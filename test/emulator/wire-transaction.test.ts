/**
 * The request transaction over PGlite's wire protocol with prepared statements: what a
 * reader relies on is that answers stay right across schema changes, errors, rollbacks and
 * concurrent requests, however the statements are cached underneath.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProject, type Project } from '../helpers.ts'
import { runInRequest } from '../../src/emulator/db.ts'
import { createTracer } from '../../src/emulator/trace.ts'

const SQL = `
create table notes (id int primary key, body text not null);
insert into notes values (1, 'one'), (2, 'two'), (3, 'three');
create table ledger (
  id int primary key,
  parent int references ledger (id) deferrable initially deferred
);
create function add_note(id int, body text) returns void language sql
  as $$ insert into notes values (id, body) $$;
create table blobs (id int primary key, bytes bytea, flag boolean);
insert into blobs values (1, '\\x0102', true), (2, '\\xff', false);
create function forget_statements() returns text language plpgsql
  as $$ begin execute 'deallocate all'; return 'done'; end $$;
create function depth(n int) returns int language plpgsql
  as $$ begin if n = 0 then return 0; end if; return depth(n - 1) + 1; end $$;
create function make_shelf() returns text language plpgsql security definer as $$
begin
  create table shelf (id int primary key, label text);
  insert into shelf values (1, 'crème brûlée ✓');
  grant select on shelf to anon;
  return 'made';
end $$;
create table docs (id int primary key, body jsonb);
insert into docs values (1, '{"a": {"a": 1}}');
`

// A service's own request (as auth's are), for statements no REST request would send.
const SERVICE_CONTEXT = {
  requestId: 0,
  role: 'service_role' as const,
  claims: { role: 'service_role' },
  method: 'GET',
  path: '/',
  headers: {},
}

describe('request transactions with prepared statements', () => {
  let project: Project

  beforeAll(async () => {
    project = await createProject({ sql: SQL })
  })
  afterAll(() => project.emulator.close())

  it('sees a column added after the same query ran before (select * re-planned)', async () => {
    const before = await project.anon.from('notes').select('*').eq('id', 1)
    expect(before.data).toEqual([{ id: 1, body: 'one' }])

    await project.emulator.db.exec(`alter table notes add column pinned boolean default false`)

    const after = await project.anon.from('notes').select('*').eq('id', 1)
    expect(after.error).toBeNull()
    expect(after.data).toEqual([{ id: 1, body: 'one', pinned: false }])

    await project.emulator.db.exec(`alter table notes drop column pinned`)
    const dropped = await project.anon.from('notes').select('*').eq('id', 1)
    expect(dropped.data).toEqual([{ id: 1, body: 'one' }])
  })

  it('re-prepares a statement whose rows change shape after DDL', async () => {
    // Services that read rows directly (auth) would otherwise hit Postgres's "cached plan
    // must not change result type" after the table gains a column.
    const readNote = () =>
      runInRequest(project.emulator.db, createTracer(), SERVICE_CONTEXT, (session) =>
        session.query('select * from notes where id = $1', [3]),
      )
    expect((await readNote()).rows).toEqual([{ id: 3, body: 'three' }])

    await project.emulator.db.exec(`alter table notes add column rank int default 7`)
    expect((await readNote()).rows).toEqual([{ id: 3, body: 'three', rank: 7 }])
    await project.emulator.db.exec(`alter table notes drop column rank`)
  })

  it('answers a bad value with 22P02, then the same query shape works again', async () => {
    const bad = await project.anon.from('notes').select().eq('id', 'not-a-number')
    expect(bad.status).toBe(400)
    expect(bad.error?.code).toBe('22P02')

    const good = await project.anon.from('notes').select().eq('id', 2)
    expect(good.data).toEqual([{ id: 2, body: 'two' }])
  })

  it('rolls back a failed write, leaving no partial rows', async () => {
    // The second row collides with id 1: the whole insert is one statement and fails.
    const failed = await project.service.from('notes').insert([
      { id: 10, body: 'ten' },
      { id: 1, body: 'again' },
    ])
    expect(failed.error?.code).toBe('23505')

    const { count } = await project.anon
      .from('notes')
      .select('*', { count: 'exact', head: true })
      .eq('id', 10)
    expect(count).toBe(0)
  })

  it('reports a constraint checked at commit and keeps serving requests', async () => {
    // The foreign key is deferred: it fails only when the transaction commits.
    const failed = await project.service.from('ledger').insert({ id: 1, parent: 99 })
    expect(failed.error?.code).toBe('23503')

    const ok = await project.service.from('ledger').insert({ id: 2, parent: null }).select()
    expect(ok.data).toEqual([{ id: 2, parent: null }])
    const rows = await project.service.from('ledger').select('id')
    expect(rows.data).toEqual([{ id: 2 }])
  })

  it('discards a write made with Prefer: tx=rollback', async () => {
    const response = await project.emulator.fetch(`${project.emulator.url}/rest/v1/notes`, {
      method: 'POST',
      headers: {
        apikey: project.emulator.serviceRoleKey,
        authorization: `Bearer ${project.emulator.serviceRoleKey}`,
        'content-type': 'application/json',
        prefer: 'tx=rollback, return=representation',
      },
      body: JSON.stringify({ id: 20, body: 'twenty' }),
    })
    expect(response.status).toBe(201)
    expect(await response.json()).toEqual([{ id: 20, body: 'twenty' }])

    const { data } = await project.anon.from('notes').select().eq('id', 20)
    expect(data).toEqual([])
  })

  it('keeps concurrent requests apart', async () => {
    const writes = Array.from({ length: 12 }, (_, i) =>
      project.service.rpc('add_note', { id: 100 + i, body: `note ${100 + i}` }),
    )
    const reads = Array.from({ length: 12 }, (_, i) =>
      project.anon
        .from('notes')
        .select('id')
        .eq('id', (i % 3) + 1)
        .single(),
    )
    const [written, read] = await Promise.all([Promise.all(writes), Promise.all(reads)])

    expect(written.every(({ error }) => error === null)).toBe(true)
    expect(read.map(({ data }) => data?.id)).toEqual(
      Array.from({ length: 12 }, (_, i) => (i % 3) + 1),
    )
    const { count } = await project.anon
      .from('notes')
      .select('*', { count: 'exact', head: true })
      .gte('id', 100)
    expect(count).toBe(12)
  })

  it('serves more distinct query shapes than it keeps prepared', async () => {
    // Each distinct column list is a distinct statement; 260 exceeds what is kept.
    const shapes = Array.from({ length: 260 }, (_, i) => `id,body,n${i}:id`)
    for (const select of shapes) {
      const { data, error } = await project.anon.from('notes').select(select).eq('id', 3)
      expect(error).toBeNull()
      expect(data).toHaveLength(1)
    }
    const first = await project.anon.from('notes').select(shapes[0]).eq('id', 3)
    expect(first.data).toEqual([{ id: 3, body: 'three', n0: 3 }])
  })

  it('filters bytea and boolean columns by their text forms; a bad boolean is 22P02', async () => {
    const bytes = await project.anon.from('blobs').select('id').eq('bytes', '\\x0102')
    expect(bytes.data).toEqual([{ id: 1 }])
    const flags = await project.anon.from('blobs').select('id').eq('flag', 'false')
    expect(flags.data).toEqual([{ id: 2 }])

    const bad = await project.anon.from('blobs').select('id').eq('flag', 'maybe')
    expect(bad.status).toBe(400)
    expect(bad.error?.code).toBe('22P02')
  })

  it('refreshes the schema cache after DDL run by a request (its notification is read)', async () => {
    // The table does not exist yet: PostgREST answers 404 PGRST205.
    const before = await project.anon.from('shelf').select()
    expect(before.error?.code).toBe('PGRST205')

    const made = await project.service.rpc('make_shelf')
    expect(made.data).toBe('made')

    // The DDL's event trigger notified `pgrst` inside that request's transaction.
    const after = await project.anon.from('shelf').select()
    expect(after.error).toBeNull()
    expect(after.data).toEqual([{ id: 1, label: 'crème brûlée ✓' }])
  })

  it('keeps serving after a function drops every prepared statement', async () => {
    await project.anon.from('notes').select('id').eq('id', 1)
    const dropped = await project.anon.rpc('forget_statements')
    expect(dropped.data).toBe('done')

    const after = await project.anon.from('notes').select('id').eq('id', 1)
    expect(after.data).toEqual([{ id: 1 }])
  })

  it('answers runaway recursion with 54001 and keeps serving', async () => {
    const shallow = await project.anon.rpc('depth', { n: 50 })
    expect(shallow.data).toBe(50)

    // Postgres stops it at max_stack_depth: "stack depth limit exceeded".
    const deep = await project.anon.rpc('depth', { n: 100000 })
    expect(deep.error?.code).toBe('54001')

    const after = await project.anon.from('notes').select('id').eq('id', 2)
    expect(after.data).toEqual([{ id: 2 }])
  })

  it('answers a statement too deeply nested for PGlite to parse with 54001', async () => {
    // Postgres's own limit would answer 54001 too ("stack depth limit exceeded"); PGlite's
    // stack gives out first, silently. Services build their SQL, so this one is raw.
    const nested = 'select ' + 'array['.repeat(1000) + '1' + ']'.repeat(1000)
    const run = (sql: string) =>
      runInRequest(project.emulator.db, createTracer(), SERVICE_CONTEXT, (session) =>
        session.query(sql),
      )

    await expect(run(nested)).rejects.toMatchObject({ code: '54001' })
    expect((await run('select 40 + 2 as answer')).rows).toEqual([{ answer: 42 }])
  })

  it('answers a JSON path of hundreds of steps with 400 PGRST100, and short ones work', async () => {
    const { url, anonKey, fetch } = project.emulator
    const read = (path: string) =>
      fetch(`${url}/rest/v1/docs?select=id&body${path}=eq.1`, { headers: { apikey: anonKey } })

    const short = await read('->a->>a')
    expect(await short.json()).toEqual([{ id: 1 }])

    const long = await read('->a'.repeat(400) + '->>a')
    expect(long.status).toBe(400)
    expect((await long.json()).code).toBe('PGRST100')
  })
})
