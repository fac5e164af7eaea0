import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createProject, type Project } from '../../helpers.ts'

// What the filter and modifier lessons tell readers in prose, beyond their runnable examples:
// each case is a sentence of a lesson, checked against PostgREST's documented behaviour on
// the lessons' own dataset, so the prose cannot drift from what the emulator does.
describe('filters and modifiers lessons: claims in the prose', () => {
  let project: Project
  beforeAll(async () => {
    project = await createProject({ dataset: 'filters' })
  })
  // No reset between cases: the two that write touch rows no other case reads.
  afterAll(() => project.emulator.close())

  const titles = (data: { title: string }[] | null) => data?.map((row) => row.title)

  test('eq binds the value, so a quote in it is just part of the name', async () => {
    const { data, error } = await project.anon
      .from('planets')
      .select('name')
      .eq('name', "Earth' or 1=1")
    expect(error).toBeNull()
    expect(data).toEqual([])
  })

  test('an exclusive start, as supabase-py writes ranges, drops the booking that starts on it', async () => {
    // [11:00, 12:00) starts before (11:00, 13:00) does, so it extends to its left.
    const gte = await project.anon
      .from('bookings')
      .select('title')
      .filter('during', 'nxl', '(2026-03-02 11:00,2026-03-02 13:00)')
    expect(titles(gte.data)).toEqual(['Interview', 'Retro'])

    // Neither (12:00 nor 12:00) holds 12:00, so the lunch talk no longer touches the gap.
    const adjacent = await project.anon
      .from('bookings')
      .select('title')
      .filter('during', 'adj', '(2026-03-02 12:00,2026-03-02 14:00)')
    expect(titles(adjacent.data)).toEqual(['Interview'])
  })

  test('or() errs with PGRST100 when a comma inside a value is not quoted', async () => {
    const { data, error, status } = await project.anon
      .from('issues')
      .select('id')
      .or('title.eq.Crash on save, sometimes,votes.gte.20')
    expect(data).toBeNull()
    expect(error?.code).toBe('PGRST100')
    expect(status).toBe(400)
  })

  test('not() with in needs the parentheses written by hand', async () => {
    const { error, status } = await project.anon
      .from('planets')
      .select('name')
      .not('kind', 'in', ['gas giant', 'ice giant'] as never)
    expect(error?.code).toBe('PGRST100')
    expect(status).toBe(400)
  })

  test('in() with an empty list matches no row', async () => {
    const { data, error } = await project.anon.from('moons').select('name').in('id', [])
    expect(error).toBeNull()
    expect(data).toEqual([])
  })

  test('csv() of no rows is a lone newline, without a header', async () => {
    const { data, error } = await project.anon
      .from('planets')
      .select('name')
      .eq('name', 'Pluto')
      .csv()
    expect(error).toBeNull()
    expect(data).toBe('\n')
  })

  test('a page past the end without a count is an empty 200', async () => {
    const { data, error, status } = await project.anon.from('moons').select('name').range(30, 39)
    expect(error).toBeNull()
    expect(data).toEqual([])
    expect(status).toBe(200)
  })

  test('a partial page with a count is 206 with the total in Content-Range', async () => {
    const response = await project.emulator.fetch(
      `${project.emulator.url}/rest/v1/moons?select=name&order=id.asc&offset=20&limit=5`,
      { headers: { apikey: project.emulator.anonKey, prefer: 'count=exact' } },
    )
    expect(response.status).toBe(206)
    expect(response.headers.get('content-range')).toBe('20-24/25')
  })

  test('single() on an update that matches several rows changes nothing', async () => {
    const update = await project.anon
      .from('issues')
      .update({ votes: 99 })
      .is('confirmed', true)
      .select('id')
      .single()
    expect(update.error?.code).toBe('PGRST116')
    expect(update.status).toBe(406)

    const { data } = await project.anon.from('issues').select('votes').in('id', [1, 2, 6])
    expect(data).toEqual([{ votes: 12 }, { votes: 7 }, { votes: 15 }])
  })

  test('insert().select() returns the defaults the table filled in', async () => {
    const { data, error, status } = await project.anon
      .from('issues')
      .insert({ title: 'Add a dark theme' })
      .select('tags, confirmed, assignee, votes')
    expect(error).toBeNull()
    expect(status).toBe(201)
    expect(data).toEqual([{ tags: [], confirmed: null, assignee: null, votes: 0 }])
  })
})
