import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createProject, type Project } from '../../helpers.ts'
import { ids, ITEMS_SQL } from './filters-fixture.ts'

describe('filter operators', () => {
  let project: Project
  beforeAll(async () => {
    project = await createProject({ sql: ITEMS_SQL })
  })
  afterAll(() => project.emulator.close())

  const items = () => project.anon.from('items').select('id').order('id')
  const raw = async (query: string) => {
    const { url, anonKey, fetch } = project.emulator
    const response = await fetch(`${url}/rest/v1/items?select=id&order=id&${query}`, {
      headers: { apikey: anonKey },
    })
    return { status: response.status, body: await response.json() }
  }

  test('eq / neq, where NULL matches neither', async () => {
    expect(ids((await items().eq('name', 'apple')).data)).toEqual([1])
    expect(ids((await items().eq('price', 10)).data)).toEqual([4])
    expect(ids((await items().neq('price', 10)).data)).toEqual([1, 2, 5])
    expect(ids((await items().not('price', 'eq', 10)).data)).toEqual([1, 2, 5])
  })

  test('gt / gte / lt / lte compare with the column type (numeric, not text)', async () => {
    expect(ids((await items().gt('price', 1.5)).data)).toEqual([4, 5])
    expect(ids((await items().gte('price', 1.5)).data)).toEqual([1, 4, 5])
    expect(ids((await items().lt('price', 1.5)).data)).toEqual([2])
    expect(ids((await items().lte('price', '3')).data)).toEqual([1, 2, 5])
  })

  test('like / ilike, with * standing for %', async () => {
    expect(ids((await items().like('name', '%an%')).data)).toEqual([2])
    expect(ids((await items().like('name', '*e*')).data)).toEqual([1, 3, 4, 5])
    expect(ids((await items().like('name', 'b%')).data)).toEqual([])
    expect(ids((await items().ilike('name', 'b%')).data)).toEqual([2])
    expect(ids((await items().not('name', 'ilike', 'B*')).data)).toEqual([1, 3, 4, 5])
  })

  test('match / imatch are POSIX regular expressions', async () => {
    expect(ids((await items().filter('name', 'match', '^[a-c]')).data)).toEqual([1, 3, 4])
    expect(ids((await items().filter('name', 'imatch', '^b')).data)).toEqual([2])
  })

  test('is null / true / false / unknown, and its negation', async () => {
    expect(ids((await items().is('price', null)).data)).toEqual([3])
    expect(ids((await items().is('flag', true)).data)).toEqual([1, 4])
    expect(ids((await items().is('flag', false)).data)).toEqual([2, 5])
    expect(ids((await items().filter('flag', 'is', 'unknown')).data)).toEqual([3])
    expect(ids((await items().not('price', 'is', null)).data)).toEqual([1, 2, 4, 5])
  })

  test('isdistinct treats NULL as a value', async () => {
    expect(ids((await items().filter('flag', 'isdistinct', 'true')).data)).toEqual([2, 3, 5])
    expect(ids((await items().not('flag', 'isdistinct', 'true')).data)).toEqual([1, 4])
  })

  test('in, with quoting and escapes for commas and quotes', async () => {
    expect(ids((await items().in('id', [1, 3])).data)).toEqual([1, 3])
    expect(ids((await items().not('id', 'in', '(1,3)')).data)).toEqual([2, 4, 5])
    const quoted = await raw(`name=in.(${encodeURIComponent('"a,b \\"quoted\\"",apple')})`)
    expect(quoted.body).toEqual([{ id: 1 }, { id: 4 }])
    expect((await raw('id=in.()')).body).toEqual([])
  })

  test('in keeps backslashes, braces and the word null as plain text', async () => {
    // Values that mean something inside a Postgres array literal must still match as text.
    await project.service.from('items').insert([
      { id: 6, name: 'back\\slash' },
      { id: 7, name: '{braced}' },
      { id: 8, name: 'null' },
    ])
    const names = ['back\\slash', '{braced}', 'null', 'nothing like it']
    expect(ids((await items().in('name', names)).data)).toEqual([6, 7, 8])
    expect(ids((await items().in('name', ['NULL'])).data)).toEqual([])
    await project.service.from('items').delete().in('id', [6, 7, 8])
  })

  test('in takes a list longer than a statement can bind parameters (65,535)', async () => {
    const many = Array.from({ length: 70_000 }, (_, i) => i + 1000)
    const { data, error } = await items().in('id', [2, ...many, 5])
    expect(error).toBeNull()
    expect(ids(data)).toEqual([2, 5])
  })

  test('cs / cd on arrays, ranges and jsonb', async () => {
    expect(ids((await items().contains('tags', ['red'])).data)).toEqual([1, 3])
    expect(ids((await items().contains('meta', { color: 'red' })).data)).toEqual([1])
    expect(ids((await items().contains('during', '[2,3)')).data)).toEqual([1])
    expect(ids((await items().containedBy('tags', ['fruit', 'red', 'yellow'])).data)).toEqual([
      1, 2, 4,
    ])
    expect(ids((await items().containedBy('meta', { color: 'red', n: 1 })).data)).toEqual([1, 5])
  })

  test('ov on arrays and ranges', async () => {
    expect(ids((await items().overlaps('tags', ['red', 'yellow'])).data)).toEqual([1, 2, 3])
    expect(ids((await items().overlaps('during', '[4,6)')).data)).toEqual([1, 2])
  })

  test('range operators sl / sr / nxl / nxr / adj', async () => {
    expect(ids((await items().rangeLt('during', '[10,20)')).data)).toEqual([1, 2])
    expect(ids((await items().rangeGt('during', '[1,10)')).data)).toEqual([3])
    expect(ids((await items().rangeGte('during', '[5,6)')).data)).toEqual([2, 3])
    expect(ids((await items().rangeLte('during', '[1,10)')).data)).toEqual([1, 2])
    expect(ids((await items().rangeAdjacent('during', '[10,20)')).data)).toEqual([2, 3])
  })

  test('full text search: fts, plain, phrase and websearch', async () => {
    expect(ids((await items().textSearch('doc', 'quick & fox')).data)).toEqual([1, 3])
    const english = await items().textSearch('doc', 'quick & fox', { config: 'english' })
    expect(ids(english.data)).toEqual([1, 3])
    const plain = await items().textSearch('doc', 'lazy dogs', { type: 'plain' })
    expect(ids(plain.data)).toEqual([2, 3])
    const phrase = await items().textSearch('doc', 'quick fox', { type: 'phrase' })
    expect(ids(phrase.data)).toEqual([3])
    const web = await items().textSearch('doc', 'fox -quick', { type: 'websearch' })
    expect(ids(web.data)).toEqual([5])
    expect(ids((await items().not('doc', 'fts', 'fox')).data)).toEqual([2, 4])
  })

  test('any / all quantifiers take a Postgres array', async () => {
    expect(ids((await items().filter('id', 'eq(any)', '{1,2}')).data)).toEqual([1, 2])
    expect(ids((await items().filter('name', 'like(any)', '{a*,c*}')).data)).toEqual([1, 3, 4])
    expect(ids((await items().filter('name', 'like(all)', '{*e*,*p*}')).data)).toEqual([1, 3, 5])
    expect(ids((await items().filter('price', 'gt(all)', '{1,2}')).data)).toEqual([4, 5])
  })

  test('filters on JSON paths', async () => {
    expect(ids((await items().eq('meta->>color', 'red')).data)).toEqual([1])
    expect(ids((await items().gt('meta->n', 1)).data)).toEqual([4])
  })

  test('several filters on the same or different columns AND together', async () => {
    expect(ids((await items().gt('id', 1).lt('id', 4)).data)).toEqual([2, 3])
    expect(ids((await items().match({ flag: true, price: 10 })).data)).toEqual([4])
  })

  test('special characters travel as plain values', async () => {
    expect(ids((await items().eq('name', 'percent%_x')).data)).toEqual([5])
    expect(ids((await items().eq('name', 'a,b "quoted"')).data)).toEqual([4])
  })

  test('errs with 400 22P02 for a value the column type rejects', async () => {
    const { error, status } = await items().eq('id', 'abc')
    expect(status).toBe(400)
    expect(error?.code).toBe('22P02')
    expect(error?.message).toBe('invalid input syntax for type integer: "abc"')
  })

  test('errs with 400 PGRST100 for an unknown operator', async () => {
    const { status, body } = await raw('id=foo.1')
    expect(status).toBe(400)
    expect(body).toEqual({
      code: 'PGRST100',
      message: '"failed to parse filter (foo.1)" (line 1, column 1)',
      details: 'unexpected "f" expecting "not" or operator (eq, gt, ...)',
      hint: null,
    })
  })

  test('errs with 400 PGRST100 for an is value that is not null or a trilean', async () => {
    const { status, body } = await raw('flag=is.maybe')
    expect(status).toBe(400)
    expect(body.code).toBe('PGRST100')
    expect(body.message).toBe('"failed to parse filter (is.maybe)" (line 1, column 4)')
  })

  test('errs with 400 42703 for a filter on an unknown column', async () => {
    const { error, status } = await items().eq('nope', 1)
    expect(status).toBe(400)
    expect(error?.code).toBe('42703')
  })
})
