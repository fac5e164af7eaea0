import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createEmulator, type Emulator } from '../../src/emulator/index.ts'
import { runExampleInNode } from '../../src/runner/node-run.ts'
import type { ConsentScreen } from '../../src/runner/open-in-browser.ts'

let emulator: Emulator
beforeAll(async () => {
  emulator = await createEmulator({ dataset: 'auth' })
})
afterAll(() => emulator.close())

const SIGN_IN = `const token = await getIdToken('apple', {
  nonce: 'raw-nonce',
  approveAs: 'sdk.user@example.com',
})
const { data, error } = await supabase.auth.signInWithIdToken({
  provider: 'apple',
  token,
  nonce: 'raw-nonce',
})
console.log(error, data.user.email, data.user.app_metadata.provider)`

describe('getIdToken', () => {
  test('asks on the consent screen, with no redirect, before it hands out a token', async () => {
    const screens: ConsentScreen[] = []
    const { logs, error } = await runExampleInNode(emulator, SIGN_IN, {
      decideConsent: async (screen) => {
        screens.push(screen)
        return { approve: true, email: screen.email }
      },
    })
    expect(error).toBeUndefined()
    expect(screens).toEqual([
      {
        provider: 'apple',
        scopes: 'openid email profile',
        redirectTo: null,
        email: 'sdk.user@example.com',
        isLinking: false,
      },
    ])
    expect(logs).toEqual([[null, 'sdk.user@example.com', 'apple']])
  })

  test('gives a token that carries the nonce, so a different one is refused', async () => {
    const code = `const token = await getIdToken('apple', { nonce: 'raw-nonce' })
const { error } = await supabase.auth.signInWithIdToken({
  provider: 'apple',
  token,
  nonce: 'another-nonce',
})
console.log(error.status, error.message)`
    const { logs } = await runExampleInNode(emulator, code)
    expect(logs).toEqual([[400, 'Nonces mismatch']])
  })

  test('fails the way a cancelled SDK prompt does when the reader denies', async () => {
    const { logs, error } = await runExampleInNode(emulator, SIGN_IN, {
      decideConsent: async () => ({ approve: false }),
    })
    expect(logs).toEqual([])
    expect(error).toBe('Error: getIdToken: the user cancelled the apple sign-in')
  })
})
