import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createProject, type Project } from '../../helpers.ts'

const SQL = `
create table guestbook (id serial primary key, message text);
create table readings (id serial primary key, taken_at timestamptz default now(), value int default 7);
create table posts (id int primary key, tags text[], during int4range, meta jsonb);
create table ledger (id int primary key, amount numeric, big bigint);
create function echo_amount(amount numeric) returns text language sql immutable as $$
  select amount::text $$;
create schema archive;
create table archive.notes (id int primary key, body text);
grant usage on schema archive to anon, authenticated, service_role;
grant all on all tables in schema archive to anon, authenticated, service_role;
alter role authenticator set pgrst.db_schemas = 'public, archive';
`

describe('writes: edge cases', () => {
  let project: Project
  beforeAll(async () => {
    project = await createProject({ sql: SQL })
  })
  afterAll(() => project.emulator.close())

  test('an empty object inserts one row of defaults', async () => {
    const { data, status } = await project.anon.from('guestbook').insert({}).select()
    expect(status).toBe(201)
    expect(data).toEqual([{ id: 1, message: null }])
  })

  test('an empty array inserts nothing and still answers 201', async () => {
    const { data, status } = await project.anon.from('guestbook').insert([]).select()
    expect({ data, status }).toEqual({ data: [], status: 201 })
  })

  test('an update with an empty object changes nothing', async () => {
    await project.service.from('guestbook').insert({ message: 'keep' })
    const { data, status } = await project.anon.from('guestbook').update({}).gt('id', 0).select()
    expect({ data, status }).toEqual({ data: [], status: 200 })
    const { rows } = await project.emulator.db.query('select message from guestbook order by id')
    expect(rows).toEqual([{ message: null }, { message: 'keep' }])
  })

  test('defaultToNull: false gives a row without the key the column default', async () => {
    const { data } = await project.anon
      .from('readings')
      .insert([{ value: 1 }, {}], { defaultToNull: false })
      .select('id, value')
    expect(data).toEqual([
      { id: 1, value: 1 },
      { id: 2, value: 7 },
    ])
  })

  test('maybeSingle() and csv() shape the returned rows', async () => {
    const one = await project.anon
      .from('guestbook')
      .insert({ message: 'x' })
      .select('message')
      .maybeSingle()
    expect(one.data).toEqual({ message: 'x' })
    const csv = await project.anon
      .from('guestbook')
      .insert({ message: 'y' })
      .select('message')
      .csv()
    expect(csv.data).toBe('message\ny')
  })

  test('single() on a delete that matched nothing errs with 406 PGRST116', async () => {
    const { error, status } = await project.anon
      .from('guestbook')
      .delete()
      .eq('id', 99)
      .select()
      .single()
    expect(status).toBe(406)
    expect(error?.code).toBe('PGRST116')
    expect(error?.details).toBe('The result contains 0 rows')
  })

  test('writes go to the schema named by Content-Profile (.schema())', async () => {
    const { data, status } = await project.anon
      .schema('archive')
      .from('notes')
      .insert({ id: 1, body: 'old' })
      .select()
    expect({ data, status }).toEqual({ data: [{ id: 1, body: 'old' }], status: 201 })
    const { rows } = await project.emulator.db.query('select body from archive.notes')
    expect(rows).toEqual([{ body: 'old' }])
  })

  test('errs with 405 PGRST117 on a method PostgREST does not serve', async () => {
    const response = await project.emulator.fetch(`${project.emulator.url}/rest/v1/guestbook`, {
      method: 'PURGE',
      headers: { apikey: project.emulator.anonKey },
    })
    expect(response.status).toBe(405)
    expect(await response.json()).toMatchObject({
      code: 'PGRST117',
      message: 'Unsupported HTTP method: PURGE',
    })
  })

  test('numbers in a JSON body reach Postgres exactly as sent, beyond double precision', async () => {
    const post = (path: string, body: string, prefer = '') =>
      project.emulator.fetch(`${project.emulator.url}/rest/v1/${path}`, {
        method: 'POST',
        headers: { apikey: project.emulator.anonKey, 'content-type': 'application/json', prefer },
        body,
      })
    const body = '{"id":1,"amount":12345678901234567.891,"big":9007199254740993}'
    expect((await post('ledger', body)).status).toBe(201)
    const { rows } = await project.emulator.db.query(
      'select amount::text as amount, big::text as big from ledger',
    )
    expect(rows).toEqual([{ amount: '12345678901234567.891', big: '9007199254740993' }])

    const called = await post('rpc/echo_amount', '{"amount":0.10000000000000000001}')
    expect(await called.json()).toBe('0.10000000000000000001')
  })

  test('JSON arrays fill array columns and strings fill ranges and jsonb keeps any JSON', async () => {
    const { data, error } = await project.anon
      .from('posts')
      .insert({ id: 1, tags: ['sql', 'rest'], during: '[1,5)', meta: [1, { a: null }] })
      .select()
    expect(error).toBeNull()
    expect(data).toEqual([
      { id: 1, tags: ['sql', 'rest'], during: '[1,5)', meta: [1, { a: null }] },
    ])
    const updated = await project.anon.from('posts').update({ tags: [] }).eq('id', 1).select('tags')
    expect(updated.data).toEqual([{ tags: [] }])
  })

  test('limit and order on an update change only the first rows in that order', async () => {
    await project.emulator.db.exec(
      'insert into ledger (id, amount) values (10, 1), (11, 1), (12, 1), (13, 1)',
    )
    const { data } = await project.anon
      .from('ledger')
      .update({ amount: 2 })
      .gte('id', 10)
      .order('id', { ascending: false })
      .limit(2)
      .select('id')
    expect(data).toEqual([{ id: 13 }, { id: 12 }])

    const response = await project.emulator.fetch(
      `${project.emulator.url}/rest/v1/ledger?id=gte.10&order=id&limit=1&offset=1`,
      {
        method: 'DELETE',
        headers: { apikey: project.emulator.anonKey, prefer: 'return=representation' },
      },
    )
    expect(await response.json()).toEqual([{ id: 11, amount: 1, big: null }])
    const { rows } = await project.emulator.db.query(
      'select id, amount::int as amount from ledger where id >= 10 order by id',
    )
    expect(rows).toEqual([
      { id: 10, amount: 1 },
      { id: 12, amount: 2 },
      { id: 13, amount: 2 },
    ])
  })

  test('explain() on an insert answers its plan and, without analyze, writes nothing', async () => {
    const { data, error } = await project.anon
      .from('guestbook')
      .insert({ message: 'planned' })
      .select()
      .explain()
    expect(error).toBeNull()
    expect(data).toMatch(/Insert on guestbook/)
    const { rows } = await project.emulator.db.query(
      "select count(*)::int as n from guestbook where message = 'planned'",
    )
    expect(rows).toEqual([{ n: 0 }])
  })
})
