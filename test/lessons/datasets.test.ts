import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createProject, type Project } from '../helpers.ts'

describe('database dataset', () => {
  let project: Project
  beforeAll(async () => {
    project = await createProject({ dataset: 'database' })
  })
  afterAll(() => project.emulator.close())

  test('enables row level security on every table an API role can reach', async () => {
    const { rows } = await project.emulator.db.query<{ name: string }>(`
      select n.nspname || '.' || c.relname as name
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'r' and n.nspname in ('public', 'archive')
        and not c.relrowsecurity`)
    expect(rows).toEqual([])
  })

  test('exposes the archive schema through pgrst.db_schemas', async () => {
    const { data, error } = await project.anon.schema('archive').from('countries').select()
    expect(error).toBeNull()
    expect(data).toHaveLength(4)
  })

  test('lets anon read the five countries', async () => {
    const { data } = await project.anon.from('countries').select()
    expect(data?.map((row) => row.name)).toEqual(['Portugal', 'Japan', 'Brazil', 'Kenya', 'Canada'])
  })
})
