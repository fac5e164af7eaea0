/**
 * Inputs at the edges of what one request's statement carries over the wire protocol: more
 * values than a Bind message can count, and JSON nested deeper than PGlite's stack allows.
 * A reader relies on a Postgres-shaped answer and on the emulator serving the next request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProject, type Project } from '../helpers.ts'

const SQL = `
create table notes (id int primary key, body text);
insert into notes values (1, 'one'), (2, 'two'), (3, 'three');
create table docs (id int primary key, body jsonb);
grant select, insert on notes, docs to anon;
create function depth_of(doc jsonb) returns int language sql
  as $$ select 1 $$;
`

describe('request statements at the wire protocol edges', () => {
  let project: Project

  beforeAll(async () => {
    project = await createProject({ sql: SQL })
  })
  afterAll(() => project.emulator.close())

  it('filters with in() on 70000 values, more than a Bind message can count', async () => {
    // PostgREST binds the list as one array (`= any($1)`), so its length has no limit.
    const ids = Array.from({ length: 70_000 }, (_, i) => i + 2)
    const { data, error, status } = await project.anon.from('notes').select('id').in('id', ids)
    expect(error).toBeNull()
    expect(status).toBe(200)
    expect(data).toEqual([{ id: 2 }, { id: 3 }])
  })

  it('matches in() values holding quotes, commas, backslashes and braces as written', async () => {
    const bodies = ['a "quoted" one', 'with, comma', 'back\\slash', '{braced}', 'null', 'two']
    await project.service.from('notes').insert(
      bodies.slice(0, 5).map((body, i) => ({
        id: 10 + i,
        body,
      })),
    )
    const { data, error } = await project.anon
      .from('notes')
      .select('id')
      .in('body', bodies)
      .order('id')
    expect(error).toBeNull()
    expect(data).toEqual([{ id: 2 }, { id: 10 }, { id: 11 }, { id: 12 }, { id: 13 }, { id: 14 }])
  })
})
