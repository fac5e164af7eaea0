import { describe, expect, test } from 'vitest'
import { compile, isCompiled, rememberCompiled } from '../../src/runner/compiler.ts'

describe('compile', () => {
  test('returns the module compiled when the site was built, without loading esbuild-wasm', async () => {
    // In Node the page's esbuild-wasm cannot load at all, so a result proves it was not asked.
    const source = `console.log('precompiled')`
    rememberCompiled(source, { ok: true, code: 'globalThis.__marker = 1' })
    expect(isCompiled(source)).toBe(true)
    await expect(compile(source)).resolves.toEqual({ ok: true, code: 'globalThis.__marker = 1' })
  })

  test('knows only the exact source text: an edited example is not compiled yet', () => {
    rememberCompiled(`const a = 1`, { ok: true, code: 'const a = 1;' })
    expect(isCompiled(`const a = 1 `)).toBe(false)
  })

  test('forgets the oldest sources beyond fifty', () => {
    for (let i = 0; i < 51; i++) rememberCompiled(`source ${i}`, { ok: true, code: `${i}` })
    expect(isCompiled('source 0')).toBe(false)
    expect(isCompiled('source 50')).toBe(true)
  })
})
