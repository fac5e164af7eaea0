import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createProject, type Project } from '../../helpers.ts'

const SQL = `
create table tasks (id int primary key, title text);
insert into tasks values (1, 'one'), (2, 'two');
create table visits (id serial primary key, at timestamptz default now());
create function record_visit() returns int language plpgsql as $$
begin insert into visits default values; return 1; end $$;
create view visited as select record_visit() as n;
`

describe('writes and reads Supabase guards', () => {
  let project: Project
  beforeAll(async () => {
    project = await createProject({ sql: SQL })
  })
  afterAll(() => project.emulator.close())

  test('errs with 21000 (400) when an update has no filter, changing nothing', async () => {
    const { error, status } = await project.service.from('tasks').update({ title: 'x' })
    expect(status).toBe(400)
    expect(error).toMatchObject({ code: '21000', message: 'UPDATE requires a WHERE clause' })

    const { data } = await project.service.from('tasks').select('title').order('id')
    expect(data).toEqual([{ title: 'one' }, { title: 'two' }])
  })

  test('errs with 21000 (400) when a delete has no filter, deleting nothing', async () => {
    const { error, status } = await project.service.from('tasks').delete()
    expect(status).toBe(400)
    expect(error).toMatchObject({ code: '21000', message: 'DELETE requires a WHERE clause' })

    const { count } = await project.service.from('tasks').select('*', { count: 'exact', head: true })
    expect(count).toBe(2)
  })

  test('a filtered delete still works', async () => {
    const { status } = await project.service.from('tasks').delete().eq('id', 2)
    expect(status).toBe(204)
  })

  test('a GET runs read-only: a view whose function writes fails with 25006', async () => {
    const { error, status } = await project.anon.from('visited').select()
    expect(status).toBe(405)
    expect(error?.code).toBe('25006')

    const visits = await project.emulator.db.query<{ n: number }>(
      'select count(*)::int as n from visits',
    )
    expect(visits.rows[0].n).toBe(0)
  })
})
