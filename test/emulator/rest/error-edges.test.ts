/**
 * Error answers at the edges: raised headers HTTP cannot carry as given, names differing only
 * in case, statuses without a usual reason phrase, HEAD, and request paths that do not decode.
 * Expectations follow PostgREST's error module and what a browser's fetch makes of its bytes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProject, fetchRest, type Project } from '../../helpers.ts'

const SQL = `
create function raise_pgrst(message text, detail text) returns void language plpgsql as $$
  begin raise sqlstate 'PGRST' using message = message, detail = detail; end $$;
create function raise_state(state text, message text) returns void language plpgsql as $$
  begin raise using errcode = state, message = message; end $$;
create function divide_by_zero() returns int language sql as $$ select 1 / 0 $$;
create table shelves (id int primary key, label text);
grant select on shelves to anon;
create function shelf_labels() returns table (id int, label text) language sql stable as $$
  select id, label from shelves $$;
`

describe('error answers at the edges', () => {
  let project: Project
  beforeAll(async () => {
    project = await createProject({ sql: SQL })
  })
  afterAll(() => project.emulator.close())

  const request = (path: string, init: RequestInit = {}) => fetchRest(project, path, init)
  const raise = (headers: Record<string, string>, status = 400) =>
    request('rpc/raise_pgrst', {
      method: 'POST',
      body: JSON.stringify({
        message: JSON.stringify({ code: 'E1', message: 'refused' }),
        detail: JSON.stringify({ status, headers }),
      }),
    })

  it('a raised header value beyond Latin-1 arrives as its UTF-8 bytes', async () => {
    // PostgREST writes the value UTF-8 encoded; fetch reads each byte as one character.
    // U+2713 CHECK MARK is E2 9C 93 in UTF-8, and ü (U+00FC) is C3 BC.
    const response = await raise({ 'X-Mark': 'ok ✓', 'X-Name': 'Müller' })

    expect(response.status).toBe(400)
    expect(response.headers.get('x-mark')).toBe('ok \u00e2\u009c\u0093')
    expect(response.headers.get('x-name')).toBe('M\u00c3\u00bcller')
    expect(await response.json()).toEqual({
      code: 'E1',
      message: 'refused',
      details: null,
      hint: null,
    })
  })

  it('raised names differing only in case both arrive, joined as fetch joins them', async () => {
    // PostgREST sends one header line per key, in key order ("X-Plan" sorts before "x-plan").
    const response = await raise({ 'x-plan': 'pro', 'X-Plan': 'free' })

    expect(response.headers.get('x-plan')).toBe('free, pro')
  })

  it('a raised status without status_text gets its usual reason phrase', async () => {
    const notModified = await raise({}, 304)
    expect(notModified.status).toBe(304)
    expect(notModified.statusText).toBe('Not Modified')

    const upgrade = await raise({}, 426)
    expect(upgrade.statusText).toBe('Upgrade Required')
  })

  it('a role that does not exist (22023) is 401; another 22023 stays 400', async () => {
    const missingRole = await request('rpc/raise_state', {
      method: 'POST',
      body: JSON.stringify({ state: '22023', message: 'role "editor" does not exist' }),
    })
    expect(missingRole.status).toBe(401)
    expect(await missingRole.json()).toMatchObject({ code: '22023' })

    const other = await request('rpc/raise_state', {
      method: 'POST',
      body: JSON.stringify({ state: '22023', message: 'step size cannot equal zero' }),
    })
    expect(other.status).toBe(400)
  })

  it('a missing xmlagg (42883) is 406, an XML answer that cannot be made', async () => {
    const response = await request('rpc/raise_state', {
      method: 'POST',
      body: JSON.stringify({ state: '42883', message: 'function xmlagg(text) does not exist' }),
    })
    expect(response.status).toBe(406)
  })

  it('HEAD answers an error with its status and headers but no body', async () => {
    const failed = await request('rpc/divide_by_zero', { method: 'HEAD' })
    expect(failed.status).toBe(400)
    expect(failed.headers.get('content-type')).toMatch(/^application\/json/)
    expect(await failed.text()).toBe('')

    const missing = await request('no_such_table', { method: 'HEAD' })
    expect(missing.status).toBe(404)
    expect(await missing.text()).toBe('')
  })

  it('head: true on a missing table reaches supabase-js as an empty 404 does', async () => {
    // postgrest-js turns a 404 with an empty body into 204 No Content without an error.
    const { error, status, statusText } = await project.anon
      .from('no_such_table')
      .select('*', { head: true })
    expect({ error, status, statusText }).toEqual({
      error: null,
      status: 204,
      statusText: 'No Content',
    })
  })

  it('a path segment that does not percent-decode names no table or function: 404', async () => {
    const table = await request('%ZZ')
    expect(table.status).toBe(404)
    expect(await table.json()).toMatchObject({ code: 'PGRST205' })

    const rpc = await request('rpc/%E0%A4%A', { method: 'POST', body: '{}' })
    expect(rpc.status).toBe(404)
    expect(await rpc.json()).toMatchObject({ code: 'PGRST202' })
  })

  it('embedding from non-table rows of a function names the function in PGRST200', async () => {
    // PostgREST reads such rows as a relation named after the function, in its schema.
    const { data, error, status } = await project.anon.rpc('shelf_labels').select('id, shelves(*)')
    expect({ data, error, status }).toEqual({
      data: null,
      error: {
        code: 'PGRST200',
        message:
          "Could not find a relationship between 'shelf_labels' and 'shelves' in the schema cache",
        details:
          "Searched for a foreign key relationship between 'shelf_labels' and 'shelves' in the " +
          "schema 'public', but no matches were found.",
        hint: null,
      },
      status: 400,
    })
  })

  it('a path with more segments than a table or function answers 404 PGRST125', async () => {
    // The classic slip of a base URL that already ends in /rest/v1.
    for (const path of ['rest/v1/shelves', 'shelves/1', 'rpc/divide_by_zero/now']) {
      const response = await request(path)
      expect(response.status).toBe(404)
      expect(await response.json()).toEqual({
        code: 'PGRST125',
        message: 'Invalid path specified in request URL',
        details: null,
        hint: null,
      })
    }
  })

  it('a bare /rpc names a table called rpc, as PostgREST reads the path', async () => {
    const response = await request('rpc')
    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({
      code: 'PGRST205',
      message: "Could not find the table 'public.rpc' in the schema cache",
    })
  })
})
