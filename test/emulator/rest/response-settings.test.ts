/**
 * SQL choosing the response: a function or trigger sets `response.status` and
 * `response.headers` with `set_config(..., true)`, and PostgREST answers with them (its
 * "Response Status Code" and "Response Headers" docs); unusable values are PGRST112/111.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProject, fetchRest, type Project } from '../../helpers.ts'

const SQL = `
create table orders (id int primary key, item text not null);
grant select, insert on orders to anon;
create function place_order(id int, item text) returns orders language plpgsql as $$
declare placed orders;
begin
  insert into orders values (id, item) returning * into placed;
  perform set_config('response.status', '201', true);
  perform set_config('response.headers',
    json_build_array(json_build_object('Location', '/orders/' || id),
                     json_build_object('Cache-Control', 'no-store'))::text, true);
  return placed;
end $$;
create function accept_later() returns void language plpgsql as $$
  begin perform set_config('response.status', '202', true); end $$;
create function cached_items() returns setof orders language plpgsql stable as $$
begin
  perform set_config('response.headers', '[{"Cache-Control": "max-age=60"}]', true);
  return query select * from orders order by id;
end $$;
create function set_for_response(status text, headers text) returns int language plpgsql as $$
begin
  insert into orders values (99, 'kept') on conflict do nothing;
  perform set_config('response.status', status, true);
  perform set_config('response.headers', headers, true);
  return 1;
end $$;
create function stamp_order() returns trigger language plpgsql as $$
begin
  perform set_config('response.headers',
    json_build_array(json_build_object('X-Order-Item', new.item))::text, true);
  return new;
end $$;
create trigger stamp_order before insert on orders for each row execute function stamp_order();
`

describe('response status and headers chosen in SQL', () => {
  let project: Project
  beforeAll(async () => {
    project = await createProject({ sql: SQL })
  })
  afterAll(() => project.emulator.close())

  const post = (path: string, body: unknown) =>
    fetchRest(project, path, { method: 'POST', body: JSON.stringify(body) })

  it('an rpc that sets response.status and response.headers answers with them', async () => {
    const response = await post('rpc/place_order', { id: 7, item: 'tea' })
    expect(response.status).toBe(201)
    expect(response.headers.get('location')).toBe('/orders/7')
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(await response.json()).toEqual({ id: 7, item: 'tea' })
  })

  it('a void function can answer 202 instead of 204', async () => {
    const { status, error } = await project.anon.rpc('accept_later')
    expect(error).toBeNull()
    expect(status).toBe(202)
  })

  it('a read-only call sets a header while the rows still arrive', async () => {
    const response = await project.emulator.fetch(
      `${project.emulator.url}/rest/v1/rpc/cached_items?select=item`,
      { headers: { apikey: project.emulator.anonKey } },
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('max-age=60')
    expect(await response.json()).toEqual([{ item: 'tea' }])
  })

  it("a trigger's header reaches the insert's response", async () => {
    const response = await post('orders', { id: 8, item: 'scones' })
    expect(response.status).toBe(201)
    expect(response.headers.get('x-order-item')).toBe('scones')
  })

  it('the settings are local to the request: the next one answers as usual', async () => {
    await project.anon.rpc('accept_later')
    const { status, data } = await project.anon.from('orders').select('id').eq('id', 7)
    expect(status).toBe(200)
    expect(data).toEqual([{ id: 7 }])
  })

  it('an unusable response.status is 500 PGRST112; the write stays, as on PostgREST', async () => {
    // PostgREST reads the settings when it builds the response, after the commit.
    const { error, status } = await project.anon.rpc('set_for_response', {
      status: 'soon',
      headers: '[]',
    })
    expect(status).toBe(500)
    expect(error?.code).toBe('PGRST112')

    const { data } = await project.service.from('orders').select('id').eq('id', 99)
    expect(data).toEqual([{ id: 99 }])
  })

  it('response.headers other than an array of one-key objects is 500 PGRST111', async () => {
    const cases = ['{"X-A": "b"}', '[{"X-A": "b", "X-C": "d"}]', '[{"X-A": 1}]', 'not json']
    for (const headers of cases) {
      const { error, status } = await project.anon.rpc('set_for_response', {
        status: '200',
        headers,
      })
      expect({ headers, status, code: error?.code }).toEqual({
        headers,
        status: 500,
        code: 'PGRST111',
      })
    }
  })
})
