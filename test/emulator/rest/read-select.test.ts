import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createProject, type Project } from '../../helpers.ts'

const SQL = `
create table countries (
  id int primary key, name text not null, population bigint, area numeric, founded date,
  updated_at timestamptz, data jsonb, "Mixed Case" text
);
insert into countries values
  (1, 'France', 68000000, 643801.5, '1792-09-22', '2024-01-02 03:04:05+00', '{"capital": {"name": "Paris"}, "tags": ["eu", "g7"]}', 'a'),
  (2, 'Japan', 125000000, 377975, null, null, '{"capital": {"name": "Tokyo"}, "tags": ["g7"]}', 'b'),
  (3, 'Peru', 34000000, 1285216, '1821-07-28', null, null, null),
  (4, 'Chad', null, 1284000, null, null, '{"capital": {"name": "N''Djamena"}}', null);
analyze countries;
create table readings as select g as id from generate_series(1, 1200) g;
create table notes (id int);
insert into notes values (1), (2), (3);
`

describe('GET a relation: select, order, range, count', () => {
  let project: Project
  beforeAll(async () => {
    project = await createProject({ sql: SQL })
  })
  afterAll(() => project.emulator.close())

  test('select() returns every column in table order with Postgres JSON types', async () => {
    const { data, error, status } = await project.anon.from('countries').select().eq('id', 1)
    expect(error).toBeNull()
    expect(status).toBe(200)
    expect(data).toEqual([
      {
        id: 1,
        name: 'France',
        population: 68000000,
        area: 643801.5,
        founded: '1792-09-22',
        updated_at: '2024-01-02T03:04:05+00:00',
        data: { capital: { name: 'Paris' }, tags: ['eu', 'g7'] },
        'Mixed Case': 'a',
      },
    ])
    expect(Object.keys(data![0])).toEqual([
      'id',
      'name',
      'population',
      'area',
      'founded',
      'updated_at',
      'data',
      'Mixed Case',
    ])
  })

  test('select with columns, aliases and casts renames and converts', async () => {
    const { data } = await project.anon
      .from('countries')
      .select('country:name, id::text, population')
      .in('id', [2, 3])
      .order('id')
    expect(data).toEqual([
      { country: 'Japan', id: '2', population: 125000000 },
      { country: 'Peru', id: '3', population: 34000000 },
    ])
  })

  test('JSON paths: -> keeps JSON, ->> gives text, the alias defaults to the last key', async () => {
    const { data } = await project.anon
      .from('countries')
      .select('id, data->capital->>name, first_tag:data->tags->0')
      .order('id')
      .limit(2)
    expect(data).toEqual([
      { id: 1, name: 'Paris', first_tag: 'eu' },
      { id: 2, name: 'Tokyo', first_tag: 'g7' },
    ])
  })

  test('order by several columns with directions and nulls placement', async () => {
    const { data } = await project.anon
      .from('countries')
      .select('id')
      .order('population', { ascending: false, nullsFirst: true })
    expect(data).toEqual([{ id: 4 }, { id: 2 }, { id: 1 }, { id: 3 }])

    const last = await project.anon
      .from('countries')
      .select('id')
      .order('founded', { ascending: true, nullsFirst: false })
      .order('id', { ascending: false })
    expect(last.data).toEqual([{ id: 1 }, { id: 3 }, { id: 4 }, { id: 2 }])
  })

  test('order by a JSON path', async () => {
    const { data } = await project.anon
      .from('countries')
      .select('id')
      .not('data', 'is', null)
      .order('data->capital->>name', { ascending: false })
    expect(data).toEqual([{ id: 2 }, { id: 1 }, { id: 4 }])
  })

  test('range() pages with offset and limit; Content-Range says which rows', async () => {
    const response = await project.anon.from('countries').select('id').order('id').range(1, 2)
    expect(response.data).toEqual([{ id: 2 }, { id: 3 }])
    expect(response.status).toBe(200)
    expect(response.count).toBeNull()

    const raw = await fetchRest('countries?select=id&order=id&offset=1&limit=2')
    expect(raw.headers.get('content-range')).toBe('1-2/*')
  })

  test('count: exact with a partial page answers 206 and the total', async () => {
    const { data, count, status, statusText } = await project.anon
      .from('countries')
      .select('id', { count: 'exact' })
      .order('id')
      .range(0, 1)
    expect(data).toEqual([{ id: 1 }, { id: 2 }])
    expect({ count, status, statusText }).toEqual({
      count: 4,
      status: 206,
      statusText: 'Partial Content',
    })
  })

  test('count: exact over the whole result answers 200 with n-m/total', async () => {
    const response = await fetchRest('countries?select=id&id=gt.2', { prefer: 'count=exact' })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-range')).toBe('0-1/2')
    expect(await response.json()).toEqual([{ id: 3 }, { id: 4 }])
  })

  test('an empty result is */0 with count and */* without', async () => {
    const counted = await fetchRest('countries?id=gt.100', { prefer: 'count=exact' })
    expect(counted.status).toBe(200)
    expect(counted.headers.get('content-range')).toBe('*/0')
    const uncounted = await fetchRest('countries?id=gt.100')
    expect(uncounted.headers.get('content-range')).toBe('*/*')
    expect(await uncounted.json()).toEqual([])
  })

  test('count: planned answers the planner estimate (exact here, the table is analyzed)', async () => {
    const { count, status } = await project.anon
      .from('countries')
      .select('id', { count: 'planned' })
      .range(0, 0)
    expect({ count, status }).toEqual({ count: 4, status: 206 })
  })

  test('count: estimated is exact below the max rows setting', async () => {
    const response = await fetchRest('notes?select=id', { prefer: 'count=estimated' })
    expect(response.headers.get('content-range')).toBe('0-2/3')
    expect(response.headers.get('preference-applied')).toBe('count=estimated')
  })

  test("no read answers more than Supabase's 1000 max rows", async () => {
    const { data, count, status } = await project.anon
      .from('readings')
      .select('id', { count: 'exact' })
    expect(data).toHaveLength(1000)
    expect({ count, status }).toEqual({ count: 1200, status: 206 })

    const rest = await project.anon.from('readings').select('id').order('id').range(1000, 1999)
    expect(rest.data).toHaveLength(200)
    expect(rest.data?.[0]).toEqual({ id: 1001 })
  })

  test('head: true counts without a body', async () => {
    const { data, count, status } = await project.anon
      .from('countries')
      .select('*', { count: 'exact', head: true })
      .gt('id', 1)
    expect({ data, count, status }).toEqual({ data: null, count: 3, status: 200 })
  })

  test('the Range header pages like limit/offset', async () => {
    const response = await fetchRest('countries?select=id&order=id', {
      range: '1-2',
      'range-unit': 'items',
      prefer: 'count=exact',
    })
    expect(response.status).toBe(206)
    expect(response.headers.get('content-range')).toBe('1-2/4')
    expect(await response.json()).toEqual([{ id: 2 }, { id: 3 }])
  })

  test('an offset past the end with an exact count is 416 PGRST103', async () => {
    const { error, status } = await project.anon
      .from('countries')
      .select('id', { count: 'exact' })
      .range(10, 12)
    expect(status).toBe(416)
    expect(error).toEqual({
      code: 'PGRST103',
      message: 'Requested range not satisfiable',
      details: 'An offset of 10 was requested, but there are only 4 rows.',
      hint: null,
    })
  })

  test('an offset past the end without a count is simply empty', async () => {
    const { data, status } = await project.anon.from('countries').select('id').range(10, 12)
    expect({ data, status }).toEqual({ data: [], status: 200 })
  })

  test('errs with 404 PGRST205 and a hint for an unknown table', async () => {
    const { error, status } = await project.anon.from('countrie').select()
    expect(status).toBe(404)
    expect(error).toEqual({
      code: 'PGRST205',
      message: "Could not find the table 'public.countrie' in the schema cache",
      details: null,
      hint: "Perhaps you meant the table 'public.countries'",
    })
  })

  test('errs with 400 and Postgres 42703 for an unknown column', async () => {
    const { error, status } = await project.anon.from('countries').select('id, nme')
    expect(status).toBe(400)
    expect(error?.code).toBe('42703')
    expect(error?.message).toBe('column countries.nme does not exist')
  })

  test('errs with 400 PGRST100 for a malformed select', async () => {
    const response = await fetchRest('countries?select=id,cities(name')
    expect(response.status).toBe(400)
    const body = await response.json()
    expect(body.code).toBe('PGRST100')
    expect(body.message).toMatch(/^"failed to parse select parameter \(id,cities\(name\)"/)
  })

  test('ignores a limit that is not an integer, as PostgREST does', async () => {
    const response = await fetchRest('countries?select=id&limit=ten')
    expect(response.status).toBe(200)
    expect(await response.json()).toHaveLength(4)
  })

  test('errs with 416 PGRST103 for a negative limit', async () => {
    const response = await fetchRest('countries?limit=-1')
    expect(response.status).toBe(416)
    expect(await response.json()).toEqual({
      code: 'PGRST103',
      message: 'Requested range not satisfiable',
      details: 'Limit should be greater than or equal to zero.',
      hint: null,
    })
  })

  test('errs with 416 PGRST103 for a Range header that ends before it starts', async () => {
    const response = await fetchRest('countries', { range: '5-2' })
    expect(response.status).toBe(416)
    expect((await response.json()).details).toBe(
      'The lower boundary must be lower than or equal to the upper boundary in the Range header.',
    )
  })

  test('errs with 400 PGRST123 for aggregates, which Supabase projects start with off', async () => {
    for (const select of ['count()', 'population.sum()']) {
      const { error, status } = await project.anon.from('countries').select(select)
      expect(status).toBe(400)
      expect(error).toEqual({
        code: 'PGRST123',
        message: 'Use of aggregate functions is not allowed',
        details: null,
        hint: null,
      })
    }
  })

  test('JSON keys may hold characters that column names may not', async () => {
    const { data } = await project.service
      .from('countries')
      .select('id, data->>weird$key!')
      .eq('id', 1)
    expect(data).toEqual([{ id: 1, 'weird$key!': null }])
  })

  test('spaces around select items are ignored', async () => {
    const response = await fetchRest(
      `countries?select=${encodeURIComponent(' id , name ')}&id=eq.3`,
    )
    expect(await response.json()).toEqual([{ id: 3, name: 'Peru' }])
  })

  test('an empty select gives one empty object per row', async () => {
    const response = await fetchRest('countries?select=&id=lt.3')
    expect(await response.json()).toEqual([{}, {}])
  })

  test('a quoted filter key may hold a dot', async () => {
    await project.emulator.db.exec(
      `create table if not exists dotted ("a.b" int); insert into dotted values (1), (2)`,
    )
    const response = await fetchRest(`dotted?${encodeURIComponent('"a.b"')}=eq.2`)
    expect(await response.json()).toEqual([{ 'a.b': 2 }])
  })

  test('a quoted column name with a space is selected and filtered', async () => {
    const { data } = await project.anon
      .from('countries')
      .select('"Mixed Case"')
      .eq('"Mixed Case"', 'b')
    expect(data).toEqual([{ 'Mixed Case': 'b' }])
  })

  function fetchRest(path: string, headers: Record<string, string> = {}) {
    const { url, anonKey, fetch } = project.emulator
    return fetch(`${url}/rest/v1/${path}`, {
      headers: { apikey: anonKey, authorization: `Bearer ${anonKey}`, ...headers },
    })
  }
})
