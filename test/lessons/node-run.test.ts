import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createEmulator, type Emulator } from '../../src/emulator/index.ts'
import { runExampleInNode } from '../../src/runner/node-run.ts'

const SQL = `
create table notes (id int primary key, body text, is_public boolean not null);
insert into notes values (1, 'hello', true), (2, 'secret', false);
alter table notes enable row level security;
create policy "public notes are readable" on notes for select using (is_public);
`

describe('runExampleInNode', () => {
  let emulator: Emulator
  beforeAll(async () => {
    emulator = await createEmulator({ sql: SQL })
  })
  afterAll(() => emulator.close())

  test('captures each console.log call with its arguments', async () => {
    const result = await runExampleInNode(
      emulator,
      `console.log('a', 1)\nconsole.log([true, null])`,
    )
    expect(result).toEqual({ logs: [['a', 1], [[true, null]]] })
  })

  test('logs values as JSON carries them, errors keeping name and message', async () => {
    const code = `console.log(new Date(Date.UTC(2024, 0, 2)), new RangeError('too far'))`
    const { logs } = await runExampleInNode(emulator, code)
    expect(logs).toEqual([['2024-01-02T00:00:00.000Z', { name: 'RangeError', message: 'too far' }]])
  })

  test('gives the ready supabase client the anon role, so RLS applies', async () => {
    const code = `const { data } = await supabase.from('notes').select('body')\nconsole.log(data)`
    const { logs, error } = await runExampleInNode(emulator, code)
    expect(error).toBeUndefined()
    expect(logs).toEqual([[[{ body: 'hello' }]]])
  })

  test('routes a client the reader creates for the project URL to the emulator', async () => {
    const code = `import { createClient } from '@supabase/supabase-js'
const client = createClient('${emulator.url}', '${emulator.serviceRoleKey}')
const { data } = await client.from('notes').select('id')
console.log(data)`
    const { logs, error } = await runExampleInNode(emulator, code)
    expect(error).toBeUndefined()
    expect(logs).toEqual([[[{ id: 1 }, { id: 2 }]]])
  })

  test('reports an uncaught error by name and message, keeping the logs before it', async () => {
    const code = `console.log('before')\nthrow new TypeError('boom')`
    expect(await runExampleInNode(emulator, code)).toEqual({
      logs: [['before']],
      error: 'TypeError: boom',
    })
  })

  test('reports a syntax error with its line instead of running anything', async () => {
    const { logs, error } = await runExampleInNode(emulator, `console.log(1)\nconst = 2`)
    expect(logs).toEqual([])
    expect(error).toMatch(/^SyntaxError: .*\(line 2\)$/)
  })

  test('refuses imports other than supabase-js', async () => {
    const { error } = await runExampleInNode(emulator, `import fs from 'node:fs'\nconsole.log(fs)`)
    expect(error).toContain('only @supabase/supabase-js can be imported')
  })

  test('abandons a run that is still waiting after its time limit', async () => {
    const code = `console.log('started')\nawait new Promise(() => {})`
    const result = await runExampleInNode(emulator, code, { timeoutMs: 300 })
    expect(result).toEqual({
      logs: [['started']],
      error: 'Error: Sandbase stopped the run after 0.3 s',
    })
  })

  test('runs the same code afresh each time', async () => {
    const code = `console.log('once')`
    await runExampleInNode(emulator, code)
    expect(await runExampleInNode(emulator, code)).toEqual({ logs: [['once']] })
  })
})
