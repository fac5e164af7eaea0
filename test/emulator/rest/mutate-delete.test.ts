import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { createProject, type Project } from '../../helpers.ts'

const SQL = `
create table countries (id int primary key, name text not null);
create table cities (id int primary key, country_id int references countries (id));
create table notes (id int primary key, body text);
alter table notes enable row level security;
create policy "read all" on notes for select using (true);
`

describe('delete', () => {
  let project: Project
  beforeAll(async () => {
    project = await createProject({ sql: SQL })
  })
  beforeEach(async () => {
    await project.emulator.db.exec(`
      truncate cities, countries, notes;
      insert into countries values (1, 'Denmark'), (2, 'Norway'), (3, 'Sweden'), (4, 'Iceland');
      insert into cities values (1, 4);
      insert into notes values (1, 'keep me');`)
  })
  afterAll(() => project.emulator.close())

  const names = async () =>
    (
      await project.emulator.db.query<{ name: string }>('select name from countries order by id')
    ).rows.map((row) => row.name)

  test('delete().eq() removes the row and answers 204 without a body', async () => {
    const result = await project.anon.from('countries').delete().eq('id', 1)
    expect(result).toMatchObject({ data: null, error: null, status: 204, statusText: 'No Content' })
    expect(await names()).toEqual(['Norway', 'Sweden', 'Iceland'])
  })

  test('delete().in().select() answers 200 with the deleted rows', async () => {
    const { data, status } = await project.anon.from('countries').delete().in('id', [2, 3]).select()
    expect(status).toBe(200)
    expect(data).toEqual([
      { id: 2, name: 'Norway' },
      { id: 3, name: 'Sweden' },
    ])
    expect(await names()).toEqual(['Denmark', 'Iceland'])
  })

  test('count: exact reports the rows deleted as Content-Range */N', async () => {
    const { count, status } = await project.anon
      .from('countries')
      .delete({ count: 'exact' })
      .in('id', [1, 2, 3])
    expect({ count, status }).toEqual({ count: 3, status: 204 })

    const response = await project.emulator.fetch(
      `${project.emulator.url}/rest/v1/countries?id=eq.4`,
      {
        method: 'DELETE',
        headers: { apikey: project.emulator.serviceRoleKey, prefer: 'count=exact' },
      },
    )
    // The row is still referenced by a city, so the delete fails: nothing to count.
    expect(response.status).toBe(409)
    expect((await response.json()).code).toBe('23503')
  })

  test('neq with not-negation and is.null pick rows the way PostgREST filters do', async () => {
    const { data } = await project.anon
      .from('countries')
      .delete()
      .not('name', 'eq', 'Denmark')
      .neq('id', 4)
      .select('name')
    expect(data).toEqual([{ name: 'Norway' }, { name: 'Sweden' }])
  })

  test('under RLS with no delete policy nothing is deleted and no error is raised', async () => {
    const { error, status } = await project.anon.from('notes').delete().eq('id', 1)
    expect({ error, status }).toEqual({ error: null, status: 204 })
    const { rows } = await project.emulator.db.query('select body from notes')
    expect(rows).toEqual([{ body: 'keep me' }])
  })

  test('service_role deletes through RLS', async () => {
    const { status } = await project.service.from('notes').delete().eq('id', 1)
    expect(status).toBe(204)
    const { rows } = await project.emulator.db.query('select body from notes')
    expect(rows).toEqual([])
  })

  test('an in() list meant as SQL stays a list of values', async () => {
    const { error } = await project.anon
      .from('countries')
      .delete()
      .in('name', ["Denmark') or ('1'='1", 'Norway'])
    expect(error).toBeNull()
    expect(await names()).toEqual(['Denmark', 'Sweden', 'Iceland'])
  })
})
