/**
 * A function shapes its own answer through the transaction-scoped settings `response.status`
 * and `response.headers`, as PostgREST's "Transactions" reference describes; a value PostgREST
 * cannot read answers PGRST111 or PGRST112 (500).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProject, type Project } from '../../helpers.ts'

const SQL = `
create table orders (id int primary key, item text);
grant select, insert on orders to anon;
create function teapot() returns json language plpgsql as $$
begin
  perform set_config('response.status', '418', true);
  return json_build_object('message', 'short and stout');
end $$;
create function place_order(id int, item text) returns int language plpgsql as $$
begin
  insert into orders values (id, item);
  perform set_config('response.status', '201', true);
  perform set_config('response.headers',
    format('[{"Location": "/orders?id=eq.%s"}, {"Cache-Control": "no-store"},
      {"Cache-Control": "private"}, {"Content-Type": "application/x-order"}]', id), true);
  return id;
end $$;
create function with_settings(id int, status text, headers text) returns void
language plpgsql as $$
begin
  perform set_config('response.status', coalesce(status, ''), true);
  perform set_config('response.headers', coalesce(headers, ''), true);
  insert into orders values (id, 'ordered');
end $$;
`

describe('response.status and response.headers set by a function', () => {
  let project: Project
  beforeAll(async () => {
    project = await createProject({ sql: SQL })
  })
  afterAll(() => project.emulator.close())

  it('response.status replaces the status, and the usual reason phrase comes with it', async () => {
    // supabase-js reads the body of any status outside 2xx as the error.
    const { data, error, status, statusText } = await project.anon.rpc('teapot')
    expect({ data, error, status, statusText }).toEqual({
      data: null,
      error: { message: 'short and stout' },
      status: 418,
      statusText: "I'm a teapot",
    })
  })

  it('response.headers adds headers, joins repeats and can replace Content-Type', async () => {
    const response = await project.emulator.fetch(
      `${project.emulator.url}/rest/v1/rpc/place_order`,
      {
        method: 'POST',
        headers: { apikey: project.emulator.anonKey, 'content-type': 'application/json' },
        body: JSON.stringify({ id: 7, item: 'tea' }),
      },
    )

    expect(response.status).toBe(201)
    expect(response.headers.get('location')).toBe('/orders?id=eq.7')
    expect(response.headers.get('cache-control')).toBe('no-store, private')
    expect(response.headers.get('content-type')).toBe('application/x-order')
    expect(await response.text()).toBe('7')
  })

  // PostgREST reads the settings once the transaction has committed: the writes stay.
  it('a response.status that is no status code answers 500 PGRST112; the writes stay', async () => {
    const { data, error, status } = await project.anon.rpc('with_settings', {
      id: 1,
      status: 'teapot',
      headers: null,
    })
    expect({ data, error, status }).toEqual({
      data: null,
      error: {
        code: 'PGRST112',
        message: 'response.status guc must be a valid status code',
        details: null,
        hint: null,
      },
      status: 500,
    })
    const { rows } = await project.emulator.db.query('select item from orders where id = 1')
    expect(rows).toEqual([{ item: 'ordered' }])
  })

  it('a response.headers that is not an array of one-key objects answers 500 PGRST111', async () => {
    const invalid = ['{"X-A": "1"}', '[{"X-A": 1}]', '[{"X-A": "1", "X-B": "2"}]', 'oops']
    for (const [index, headers] of invalid.entries()) {
      const id = 10 + index
      const { error, status } = await project.anon.rpc('with_settings', {
        id,
        status: null,
        headers,
      })
      expect(status).toBe(500)
      expect(error).toEqual({
        code: 'PGRST111',
        message:
          'response.headers guc must be a JSON array composed of objects with a single key and a string value',
        details: null,
        hint: null,
      })
    }
  })
})
