import * as esbuild from 'esbuild-wasm'
import { describe, expect, test } from 'vitest'
import { compileUserCode } from '../../src/runner/compile.ts'
import { findSourceLine } from '../../src/runner/source-lines.ts'

// Where V8 would report `needle` in the compiled module, as a stack frame of its blob: URL.
function frameOf(code: string, needle: string): string {
  const lines = code.split('\n')
  const line = lines.findIndex((text) => text.includes(needle))
  const column = lines[line].indexOf(needle) + 1
  return `Error: x\n    at blob:http://127.0.0.1/0b7e-41c2:${line + 1}:${column}`
}

describe('findSourceLine', () => {
  test('finds the line of the reader’s code that threw, past imports and the prelude', async () => {
    const source = [
      "import { createClient } from '@supabase/supabase-js'",
      'const rows = [1, 2]',
      '',
      'if (rows.length > 1) {',
      "  throw new RangeError('too many rows')",
      '}',
    ].join('\n')
    const result = await compileUserCode(esbuild, source)
    if (!result.ok) throw new Error('expected the example to compile')

    const stack = frameOf(result.code, 'throw new RangeError')
    expect(findSourceLine(result.code, stack, 'example.ts')).toBe(5)
  })

  test('tells nothing when the stack has no frame in the compiled module', async () => {
    const result = await compileUserCode(esbuild, "throw new Error('x')")
    if (!result.ok) throw new Error('expected the example to compile')
    expect(findSourceLine(result.code, 'Error: x\n    at fetch (native)', 'example.ts')).toBeNull()
  })
})
