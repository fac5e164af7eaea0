import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createEmulator, type Emulator } from '../../src/emulator/index.ts'
import { runExampleInNode } from '../../src/runner/node-run.ts'

describe('fetch() in example code, in Node', () => {
  let emulator: Emulator
  beforeAll(async () => {
    emulator = await createEmulator()
  })
  afterAll(() => emulator.close())

  test('reaches the project, as the page bridge does', async () => {
    // Without an apikey the project's gateway answers, as Supabase's does.
    const result = await runExampleInNode(
      emulator,
      `const response = await fetch('http://localhost:54321/auth/v1/health')
console.log(response.status, (await response.json()).message)`,
    )
    expect(result).toEqual({ logs: [[401, 'No API key found in request']] })
  })

  test('reaches no other host', async () => {
    const result = await runExampleInNode(
      emulator,
      `const response = await fetch('http://127.0.0.1:9/')
console.log(response.status)`,
    )
    expect(result.logs).toEqual([[502]])
  })
})
