import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createProject, type Project } from '../../helpers.ts'

// The dataset behind the filter and modifier lessons: the shapes and policies those lessons
// count on, checked apart from any one lesson so a broken row shows up here by name.
describe('filters dataset', () => {
  let project: Project
  beforeAll(async () => {
    project = await createProject({ dataset: 'filters' })
  })
  afterAll(() => project.emulator.close())

  test('enables row level security on every public table', async () => {
    const { rows } = await project.emulator.db.query<{ relname: string }>(`
      select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'r' and n.nspname = 'public' and not c.relrowsecurity`)
    expect(rows).toEqual([])
  })

  test('lets anon read every table, with the row counts the lessons page through', async () => {
    const counts: Record<string, number | null> = {}
    for (const table of ['planets', 'moons', 'issues', 'bookings', 'recipes']) {
      const { count, error } = await project.anon
        .from(table)
        .select('*', { count: 'exact', head: true })
      expect(error).toBeNull()
      counts[table] = count
    }
    expect(counts).toEqual({ planets: 8, moons: 25, issues: 8, bookings: 6, recipes: 6 })
  })

  test('keeps the generated tsvector in step with the text', async () => {
    // "rice" appears in the pad thai, the chicken curry and the fried rice.
    const { rows } = await project.emulator.db.query<{ name: string }>(
      `select name from recipes where fts @@ to_tsquery('english', 'rice') order by id`,
    )
    expect(rows.map((row) => row.name)).toEqual(['Pad thai', 'Chicken curry', 'Fried rice'])
  })

  test('lets anon change issues but not planets', async () => {
    const issue = await project.anon.from('issues').update({ votes: 1 }).eq('id', 8).select('votes')
    expect(issue.error).toBeNull()
    expect(issue.data).toEqual([{ votes: 1 }])

    const planet = await project.anon.from('planets').insert({
      name: 'Pluto',
      kind: 'dwarf',
      diameter_km: 2377,
      has_rings: false,
    })
    expect(planet.error?.code).toBe('42501')
  })

  test('offers moons_of as a set-returning function for rpc lessons', async () => {
    const { rows } = await project.emulator.db.query<{ name: string }>(
      `select name from moons_of('Mars')`,
    )
    expect(rows.map((row) => row.name)).toEqual(['Phobos', 'Deimos'])
  })
})
