import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createProject, type Project } from '../../helpers.ts'
import { ids, ITEMS_SQL } from './filters-fixture.ts'

describe('logic trees: or, and, not', () => {
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

  test('or() matches rows meeting any condition', async () => {
    expect(ids((await items().or('id.eq.1,id.eq.3')).data)).toEqual([1, 3])
  })

  test('or() with a nested and()', async () => {
    const { data } = await items().or('price.gt.5,and(flag.is.false,price.lt.1)')
    expect(ids(data)).toEqual([2, 4])
  })

  test('or() ANDs with the other filters', async () => {
    expect(ids((await items().or('id.eq.1,id.eq.2').eq('flag', false)).data)).toEqual([2])
  })

  test('not.or and and= as parameters', async () => {
    expect((await raw('not.or=(id.eq.1,id.eq.2)')).body).toEqual([{ id: 3 }, { id: 4 }, { id: 5 }])
    expect((await raw('and=(price.gte.1,price.lte.3)')).body).toEqual([{ id: 1 }, { id: 5 }])
    expect((await raw('not.and=(price.gte.1,price.lte.3)')).body).toEqual([{ id: 2 }, { id: 4 }])
  })

  test('a quoted value keeps its commas, parentheses and escaped quotes', async () => {
    const { data } = await items().or('name.eq."a,b \\"quoted\\"",id.eq.1')
    expect(ids(data)).toEqual([1, 4])
    const parens = await raw(`or=(${encodeURIComponent('name.eq."(x)",id.eq.2')})`)
    expect(parens.body).toEqual([{ id: 2 }])
  })

  test('in lists, negation and is inside a tree', async () => {
    expect(ids((await items().or('id.in.(1,2),name.eq.apple')).data)).toEqual([1, 2])
    expect(ids((await items().or('id.not.in.(1,2,3),flag.is.null')).data)).toEqual([3, 4, 5])
    expect(ids((await items().or('not.and(id.gt.1,id.lt.5)')).data)).toEqual([1, 5])
  })

  test('JSON paths, arrays and quantifiers inside a tree', async () => {
    expect(ids((await items().or('meta->>color.eq.yellow,id.eq.5')).data)).toEqual([2, 5])
    expect(ids((await items().or('tags.cs.{dessert},id.eq.1')).data)).toEqual([1, 3])
    expect(ids((await items().or('name.like(any).{a*,B*}')).data)).toEqual([1, 2, 4])
  })

  test('errs with 400 PGRST100 for an unbalanced tree', async () => {
    const { status, body } = await raw('or=(id.eq.1')
    expect(status).toBe(400)
    expect(body.code).toBe('PGRST100')
    expect(body.message).toBe('"failed to parse logic tree ((id.eq.1)" (line 1, column 9)')
  })

  test('errs with 400 PGRST100 for an unknown operator inside a tree', async () => {
    const { status, body } = await raw('or=(id.eq.1,id.nope.2)')
    expect(status).toBe(400)
    expect(body.code).toBe('PGRST100')
    expect(body.details).toBe('unexpected "n" expecting "not" or operator (eq, gt, ...)')
  })

  test('a deeply nested tree is a 400 PGRST100, not a crash, and 60 levels still work', async () => {
    const deep = 'or('.repeat(3000) + 'id.eq.1' + ')'.repeat(3000)
    const refused = await raw(`or=(${deep})`)
    expect(refused.status).toBe(400)
    expect(refused.body.code).toBe('PGRST100')

    // 60 nested or() around one condition select exactly that row.
    const fine = 'or('.repeat(59) + 'id.eq.3' + ')'.repeat(59)
    expect((await raw(`or=(${fine})`)).body).toEqual([{ id: 3 }])
  })

  test('deeply nested embeddings are a 400 PGRST100, not a crash', async () => {
    const { url, anonKey, fetch } = project.emulator
    const select = 'a('.repeat(3000) + 'id' + ')'.repeat(3000)
    const response = await fetch(`${url}/rest/v1/items?select=${select}`, {
      headers: { apikey: anonKey },
    })
    expect(response.status).toBe(400)
    expect((await response.json()).code).toBe('PGRST100')
  })
})
