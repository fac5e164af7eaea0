/**
 * Errors a function or policy raises, as PostgREST answers them: `raise sqlstate 'PGRST'`
 * writing the whole response, `PTxyz` choosing the status, and the SQLSTATEs PostgREST's
 * status table singles out. Expectations follow PostgREST's "Errors" reference.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProject, fetchRest, type Project } from '../../helpers.ts'

// Each function raises what its name says; `raise_pgrst` takes MESSAGE and DETAIL as given.
const SQL = `
create function raise_pgrst(message text, detail text) returns void language plpgsql as $$
begin
  if detail is null then
    raise sqlstate 'PGRST' using message = message;
  end if;
  raise sqlstate 'PGRST' using message = message, detail = detail;
end $$;
create function raise_pt(state text, message text) returns void language plpgsql as $$
  begin raise using errcode = state, message = message; end $$;
create table shelves (id int primary key);
insert into shelves values (1), (2);
create function pick_a_shelf() returns int language sql as $$ select (select id from shelves) $$;
create table secrets (id int primary key, owner text);
alter table secrets enable row level security;
create policy "sees what it sees" on secrets for select
  using (exists (select 1 from secrets as other where other.id = secrets.id));
grant select on shelves, secrets to anon;
`

describe('errors raised in the database', () => {
  let project: Project
  beforeAll(async () => {
    project = await createProject({ sql: SQL })
  })
  afterAll(() => project.emulator.close())

  const callPgrst = (message: string, detail: string | null) =>
    fetchRest(project, 'rpc/raise_pgrst', {
      method: 'POST',
      body: JSON.stringify({ message, detail }),
    })

  it("sqlstate 'PGRST' answers with the body, status and headers the function wrote", async () => {
    const body = { code: 'QUOTA1', message: 'Export limit reached', details: '3 of 3 used' }
    const response = await callPgrst(
      JSON.stringify(body),
      JSON.stringify({ status: 429, headers: { 'Retry-After': '60', 'X-Plan': 'free' } }),
    )

    expect(response.status).toBe(429)
    expect(response.statusText).toBe('Too Many Requests')
    expect(response.headers.get('retry-after')).toBe('60')
    expect(response.headers.get('x-plan')).toBe('free')
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    expect(await response.json()).toEqual({ ...body, hint: null })
  })

  it("sqlstate 'PGRST' reaches supabase-js as its error, with status_text", async () => {
    const message = JSON.stringify({
      code: 'LOAN',
      message: 'The book is overdue',
      hint: 'Bring it',
    })
    const detail = JSON.stringify({ status: 460, status_text: 'Loan Overdue', headers: {} })
    const { error, status, statusText } = await project.anon.rpc('raise_pgrst', { message, detail })

    expect({ status, statusText }).toEqual({ status: 460, statusText: 'Loan Overdue' })
    expect(error).toEqual({
      code: 'LOAN',
      message: 'The book is overdue',
      details: null,
      hint: 'Bring it',
    })
  })

  it('a MESSAGE that is not the JSON body PostgREST reads answers 500 PGRST121', async () => {
    const detail = JSON.stringify({ status: 400, headers: {} })
    for (const message of [
      'plain words',
      '{"code": "X1"}',
      '{"code":"X1","message":"m","details":{}}',
    ]) {
      const response = await callPgrst(message, detail)
      expect(response.status).toBe(500)
      expect(await response.json()).toMatchObject({
        code: 'PGRST121',
        details: `Invalid JSON value for MESSAGE: '${message}'`,
      })
    }
  })

  it('a missing DETAIL, or one without headers, answers 500 PGRST121 and says which', async () => {
    const message = JSON.stringify({ code: 'X1', message: 'nope' })

    const missing = await callPgrst(message, null)
    expect(missing.status).toBe(500)
    expect(await missing.json()).toMatchObject({
      code: 'PGRST121',
      details: 'DETAIL is missing in the RAISE statement',
    })

    const statusOnly = JSON.stringify({ status: 403 })
    const incomplete = await callPgrst(message, statusOnly)
    expect(incomplete.status).toBe(500)
    expect(await incomplete.json()).toMatchObject({
      code: 'PGRST121',
      details: `Invalid JSON value for DETAIL: '${statusOnly}'`,
    })
  })

  it("sqlstate 'PTxyz' gives status xyz with the message as its reason phrase", async () => {
    const chosen = await project.anon.rpc('raise_pt', { state: 'PT418', message: 'No coffee' })
    expect({ status: chosen.status, statusText: chosen.statusText }).toEqual({
      status: 418,
      statusText: 'No coffee',
    })
    expect(chosen.error?.code).toBe('PT418')

    // A PT code that names no status is a server error.
    const nonsense = await project.anon.rpc('raise_pt', { state: 'PTABC', message: 'what' })
    expect(nonsense.status).toBe(500)
  })

  it('infinite recursion in a policy (42P17) is a server error, 500', async () => {
    const { error, status } = await project.anon.from('secrets').select()
    expect(status).toBe(500)
    expect(error?.code).toBe('42P17')
  })

  it('a subquery returning more than one row (21000) is a server error, 500', async () => {
    const { error, status } = await project.anon.rpc('pick_a_shelf')
    expect(status).toBe(500)
    expect(error?.code).toBe('21000')
  })
})
