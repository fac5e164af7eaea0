import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { TraceEvent } from '../../../src/emulator/index.ts'
import { createProject, type Project } from '../../helpers.ts'
import { ITEMS_SQL } from './filters-fixture.ts'

const PAYLOAD = `x'); drop table canary; --`
const QUOTE_PAYLOAD = `x"; drop table canary; --`

type SqlEvent = Extract<TraceEvent, { type: 'sql' }>

describe('SQL injection through the query string', () => {
  let project: Project
  beforeAll(async () => {
    project = await createProject({ sql: ITEMS_SQL })
  })
  afterAll(() => project.emulator.close())

  /** Sends a read and returns its status and the SQL statements it ran. */
  async function read(query: string, headers: Record<string, string> = {}) {
    const events: SqlEvent[] = []
    const unsubscribe = project.emulator.trace.subscribe((event) => {
      if (event.type === 'sql') events.push(event)
    })
    const { url, anonKey, fetch } = project.emulator
    const response = await fetch(`${url}/rest/v1/items?${query}`, {
      headers: { apikey: anonKey, ...headers },
    })
    unsubscribe()
    // The first statement sets the role and claims; anything else is the read itself.
    return { status: response.status, body: await response.text(), statements: events.slice(1) }
  }

  async function expectCanaryAlive() {
    const result = await project.emulator.db.query('select count(*)::int as n from canary')
    expect(result.rows).toEqual([{ n: 1 }])
  }

  const valueCases: [string, string][] = [
    ['eq', `name=eq.${encodeURIComponent(PAYLOAD)}`],
    ['neq', `name=neq.${encodeURIComponent(PAYLOAD)}`],
    ['gt', `name=gt.${encodeURIComponent(PAYLOAD)}`],
    ['gte', `name=gte.${encodeURIComponent(PAYLOAD)}`],
    ['lt', `name=lt.${encodeURIComponent(PAYLOAD)}`],
    ['lte', `name=lte.${encodeURIComponent(PAYLOAD)}`],
    ['like', `name=like.${encodeURIComponent(PAYLOAD)}`],
    ['ilike', `name=ilike.${encodeURIComponent(PAYLOAD)}`],
    ['match', `name=match.${encodeURIComponent(PAYLOAD)}`],
    ['imatch', `name=imatch.${encodeURIComponent(PAYLOAD)}`],
    ['isdistinct', `name=isdistinct.${encodeURIComponent(PAYLOAD)}`],
    ['in', `name=in.(${encodeURIComponent(`"${PAYLOAD}",b`)})`],
    ['cs', `tags=cs.${encodeURIComponent(`{${PAYLOAD}}`)}`],
    ['cd', `tags=cd.${encodeURIComponent(`{${PAYLOAD}}`)}`],
    ['ov', `tags=ov.${encodeURIComponent(`{${PAYLOAD}}`)}`],
    ['sl', `during=sl.${encodeURIComponent(PAYLOAD)}`],
    ['sr', `during=sr.${encodeURIComponent(PAYLOAD)}`],
    ['nxl', `during=nxl.${encodeURIComponent(PAYLOAD)}`],
    ['nxr', `during=nxr.${encodeURIComponent(PAYLOAD)}`],
    ['adj', `during=adj.${encodeURIComponent(PAYLOAD)}`],
    ['fts', `doc=fts.${encodeURIComponent(PAYLOAD)}`],
    ['plfts', `doc=plfts(english).${encodeURIComponent(PAYLOAD)}`],
    ['phfts', `doc=phfts.${encodeURIComponent(PAYLOAD)}`],
    ['wfts', `doc=wfts.${encodeURIComponent(PAYLOAD)}`],
    ['eq(any)', `name=eq(any).${encodeURIComponent(`{${PAYLOAD}}`)}`],
    ['or', `or=(${encodeURIComponent(`name.eq."${PAYLOAD}",name.like."${PAYLOAD}"`)})`],
    ['not', `name=not.eq.${encodeURIComponent(PAYLOAD)}`],
  ]

  test.each(valueCases)('a %s value reaches SQL only as a parameter', async (_, query) => {
    const { status, statements } = await read(`select=id&${query}`)
    expect(statements).toHaveLength(1)
    const [statement] = statements
    expect(statement.sql).not.toContain('drop table')
    expect(statement.params.some((param) => String(param).includes('drop table canary'))).toBe(true)
    // Values that the column type cannot parse fail in Postgres, never as SQL syntax (a bad
    // tsquery is also 42601, hence the message check).
    expect([200, 400]).toContain(status)
    expect(statement.error?.message ?? '').not.toMatch(/syntax error at or near/)
    await expectCanaryAlive()
  })

  const identifierCases: [string, string][] = [
    ['a filter column', `${encodeURIComponent(QUOTE_PAYLOAD)}=eq.1`],
    [
      'a selected column',
      `select=${encodeURIComponent(`"${QUOTE_PAYLOAD.replace(/"/g, '\\"')}"`)}`,
    ],
    [
      'a select alias',
      `select=${encodeURIComponent(`"${QUOTE_PAYLOAD.replace(/"/g, '\\"')}":id`)}`,
    ],
    ['an order column', `order=${encodeURIComponent(`"${QUOTE_PAYLOAD.replace(/"/g, '\\"')}"`)}`],
    ['a JSON path key', `select=${encodeURIComponent(`meta->>"${PAYLOAD}"`)}`],
    ['a filter JSON path', `${encodeURIComponent(`meta->>"${PAYLOAD}"`)}=eq.1`],
  ]

  test.each(identifierCases)('%s is quoted as one identifier or bound', async (_, query) => {
    const { statements } = await read(query)
    expect(statements.length).toBeLessThanOrEqual(1)
    for (const statement of statements) {
      // The only way for the payload to end the identifier would be an unescaped quote.
      expect(statement.sql).not.toMatch(/[^"]"; drop table canary/)
      if (statement.error) expect(statement.error.code).toBe('42703')
    }
    await expectCanaryAlive()
  })

  test('the select alias keeps its quote inside the JSON key', async () => {
    const { status, body } = await read(`select=${encodeURIComponent('"a\\"b":id')}&id=eq.1`)
    expect(status).toBe(200)
    expect(JSON.parse(body)).toEqual([{ 'a"b': 1 }])
  })

  const refusedCases: [string, string][] = [
    ['a cast', `select=${encodeURIComponent('id::text; drop table canary')}`],
    // Letters and spaces alone could rebuild the query if a cast could hold a space.
    [
      'a cast with words after the type',
      `select=${encodeURIComponent('rolname::text from pg_roles as items union select name')}`,
    ],
    ['an order direction', `order=${encodeURIComponent('id.desc; drop table canary')}`],
    [
      'a text search config',
      `doc=fts(${encodeURIComponent("english'); drop table canary; --")}).a`,
    ],
    ['an embedding', `select=${encodeURIComponent('id,canary;drop(*)')}`],
  ]

  test.each(refusedCases)(
    '%s that is not well formed is refused before any SQL',
    async (_, query) => {
      const { status, statements } = await read(query)
      expect(status).toBe(400)
      expect(statements).toEqual([])
      await expectCanaryAlive()
    },
  )

  test.each([
    ['limit', `limit=${encodeURIComponent('1; drop table canary')}`],
    ['offset', `offset=${encodeURIComponent('1; drop table canary')}`],
  ])('a %s that is not an integer is ignored, as PostgREST does', async (_, query) => {
    const { status, statements } = await read(`select=id&${query}`)
    expect(status).toBe(200)
    expect(statements).toHaveLength(1)
    expect(statements[0].sql).not.toContain('drop')
    // Only the max rows limit is bound: the value itself went nowhere.
    expect(statements[0].params).toEqual([1000])
    await expectCanaryAlive()
  })

  test('a Range header is only ever read as numbers', async () => {
    const { status, statements } = await read('select=id', { range: '0-1; drop table canary' })
    expect(status).toBe(200)
    for (const statement of statements) expect(statement.sql).not.toContain('drop')
    await expectCanaryAlive()
  })
})
