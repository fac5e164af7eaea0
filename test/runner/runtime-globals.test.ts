import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createEmulator, type Emulator } from '../../src/emulator/index.ts'
import { runExampleInNode } from '../../src/runner/node-run.ts'

describe('inbox() in example code', () => {
  let emulator: Emulator
  beforeAll(async () => {
    emulator = await createEmulator()
  })
  afterAll(() => emulator.close())

  test('reads the one-time code an OTP sign-in sent, newest first', async () => {
    const result = await runExampleInNode(
      emulator,
      `await supabase.auth.signInWithOtp({ email: 'ada@example.com' })
const [mail] = await inbox('ada@example.com')
console.log(mail.to, /^\\d{6}$/.test(mail.code))
const { data, error } = await supabase.auth.verifyOtp({
  email: 'ada@example.com', token: mail.code, type: 'email',
})
console.log(error, data.user?.email)`,
    )
    expect(result.error).toBeUndefined()
    expect(result.logs).toEqual([
      ['ada@example.com', true],
      [null, 'ada@example.com'],
    ])
  })

  test('an example may declare its own inbox variable', async () => {
    const result = await runExampleInNode(emulator, `const inbox = 3\nconsole.log(inbox)`)
    expect(result.logs).toEqual([[3]])
  })
})

describe('process.env in example code', () => {
  test('holds the project URL and both keys, as server code would read them', async () => {
    const emulator = await createEmulator()
    const result = await runExampleInNode(
      emulator,
      `import { createClient } from '@supabase/supabase-js'
const admin = createClient(
  process.env.SUPABASE_URL!, process.env.SUPABASE_SERVICE_ROLE_KEY!,
)
const { data, error } = await admin.auth.admin.listUsers()
console.log(process.env.SUPABASE_URL, error, data.users.length)`,
    )
    await emulator.close()
    expect(result.error).toBeUndefined()
    expect(result.logs).toEqual([['http://localhost:54321', null, 0]])
  })
})
