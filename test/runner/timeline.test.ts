import { describe, expect, test } from 'vitest'
import {
  addConsoleLine,
  addTraceEvent,
  createRun,
  endRun,
  MAX_CONSOLE_LOGS,
} from '../../src/runner/timeline.ts'
import type { TraceEvent } from '../../src/emulator/index.ts'

const request = (requestId: number, url: string): TraceEvent => ({
  type: 'http-request',
  requestId,
  method: 'GET',
  url,
  headers: {},
  body: null,
})
const sql = (requestId: number, text: string): TraceEvent => ({
  type: 'sql',
  requestId,
  sql: text,
  params: [],
  rowCount: 1,
  durationMs: 0.2,
})
const response = (requestId: number, status: number): TraceEvent => ({
  type: 'http-response',
  requestId,
  status,
  statusText: 'OK',
  headers: {},
  body: '[]',
  durationMs: 1,
})

describe('addTraceEvent', () => {
  test('groups interleaved events of two requests by requestId, in arrival order', () => {
    const events = [
      request(7, '/rest/v1/countries'),
      request(8, '/rest/v1/cities'),
      sql(8, 'select 2'),
      sql(7, 'select 1'),
      response(7, 200),
      response(8, 404),
    ]
    const run = events.reduce(addTraceEvent, createRun('running'))

    expect(run.requests.map(({ requestId }) => requestId)).toEqual([7, 8])
    expect(run.requests[0].request?.url).toBe('/rest/v1/countries')
    expect(run.requests[0].sql.map((event) => event.sql)).toEqual(['select 1'])
    expect(run.requests[1].response?.status).toBe(404)
  })

  test('keeps not-yet events beside the request they belong to', () => {
    const notYet: TraceEvent = { type: 'not-yet', requestId: 3, feature: 'x', message: 'y' }
    const run = [request(3, '/rest/v1/t'), notYet].reduce(addTraceEvent, createRun())
    expect(run.requests[0].notYet).toEqual([notYet])
  })

  test('returns a new run and leaves the old one as it was', () => {
    const before = createRun('running')
    const after = addTraceEvent(before, request(1, '/rest/v1/t'))
    expect(before.requests).toEqual([])
    expect(after).not.toBe(before)
  })
})

describe('endRun', () => {
  test('the first ending wins: a Run stopped by the time limit stays stopped', () => {
    const stopped = endRun(createRun('running'), 'stopped', 5000)
    expect(endRun(stopped, 'done', 5001)).toEqual({ ...stopped })
    expect(stopped).toMatchObject({ status: 'stopped', durationMs: 5000 })
  })

  test('console lines are kept in order', () => {
    const run = [
      { kind: 'stopped', seconds: 5 } as const,
      { kind: 'emulator-error', message: 'boom' } as const,
    ].reduce(addConsoleLine, createRun())
    expect(run.console.map(({ kind }) => kind)).toEqual(['stopped', 'emulator-error'])
  })
})

describe('addConsoleLine', () => {
  test('keeps the first 500 logs of a Run, then one line saying the rest were dropped', () => {
    let run = createRun('running')
    for (let i = 0; i < 600; i++) {
      run = addConsoleLine(run, { kind: 'log', level: 'log', args: [{ kind: 'number', value: i }] })
    }
    run = addConsoleLine(run, { kind: 'stopped', seconds: 5 })

    expect(MAX_CONSOLE_LOGS).toBe(500)
    expect(run.console).toHaveLength(502)
    expect(run.console[499]).toMatchObject({ args: [{ value: 499 }] })
    expect(run.console[500]).toMatchObject({ level: 'warn' })
    expect(run.console[501]).toEqual({ kind: 'stopped', seconds: 5 })
  })
})
