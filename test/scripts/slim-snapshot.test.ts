import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { buildSnapshot } from '../../src/emulator/index.ts'
import { slimSnapshot } from '../../scripts/slim-snapshot.ts'
import { createProject, type Project } from '../helpers.ts'

describe('slimSnapshot', () => {
  let full: Uint8Array
  let slim: Uint8Array
  let project: Project
  beforeAll(async () => {
    full = new Uint8Array(await (await buildSnapshot('database')).arrayBuffer())
    slim = slimSnapshot(full)
    const snapshot = new Blob([new Uint8Array(slim)], { type: 'application/gzip' })
    project = await createProject({ dataset: 'database', snapshot })
  })
  afterAll(() => project?.emulator.close())

  test('boots a project with the rows the dataset inserted, in their order', async () => {
    const { data, error } = await project.anon.from('countries').select('id, name').order('id')
    expect(error).toBeNull()
    // content/datasets/database.sql inserts these five, in this order.
    expect(data).toEqual([
      { id: 1, name: 'Portugal' },
      { id: 2, name: 'Japan' },
      { id: 3, name: 'Brazil' },
      { id: 4, name: 'Kenya' },
      { id: 5, name: 'Canada' },
    ])
  })

  test('a new row takes the next identity value, 6, as on a fresh project', async () => {
    const { data, error } = await project.anon
      .from('countries')
      .insert({ name: 'Chile' })
      .select('id')
      .single()
    expect(error).toBeNull()
    expect(data).toEqual({ id: 6 })
  })

  test('is less than a third of the full snapshot, so the page downloads less', () => {
    expect(slim.length).toBeLessThan(full.length / 3)
  })
})
