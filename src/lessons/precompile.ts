/**
 * Compiles lesson examples while the site is built, with the same esbuild-wasm and options
 * the page uses, so that running an unedited example in the page needs no compiler.
 */
import * as esbuild from 'esbuild-wasm'
import { compileUserCode } from '../runner/compile.ts'

let initialised: Promise<void> | null = null

/** The compiled module of each example's code; null where it does not compile. */
export async function precompileExamples(codes: string[]): Promise<(string | null)[]> {
  initialised ??= esbuild.initialize({})
  await initialised
  // One at a time: esbuild-wasm in Node runs one build per call anyway.
  const modules: (string | null)[] = []
  for (const code of codes) {
    const result = await compileUserCode(esbuild, code)
    // An example that fails to compile is compiled in the page, which shows the problems.
    modules.push(result.ok ? result.code : null)
  }
  return modules
}
