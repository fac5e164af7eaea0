/**
 * esbuild-wasm for the page, loaded and initialised once, on first need, and the compiled
 * modules the page already has: the lesson's examples, compiled when the site was built, and
 * what this page compiled before. A Run of code seen before needs no compiler at all.
 */
import type * as Esbuild from 'esbuild-wasm'
import { compileUserCode, type CompileResult } from './compile.ts'

let ready: Promise<typeof Esbuild> | null = null

// Compiling is a pure function of the source text, so a result is reused for the same text.
// The oldest entries go first; a reader rarely returns to code from fifty Runs ago.
const compiled = new Map<string, CompileResult>()
const REMEMBERED_SOURCES = 50

/** Starts loading esbuild-wasm (about 10 MB of wasm) without waiting for it. */
export function loadCompiler(): Promise<typeof Esbuild> {
  ready ??= initialise()
  ready.catch(() => (ready = null))
  return ready
}

async function initialise(): Promise<typeof Esbuild> {
  // The ESM build by path: the package's `browser` field points at a UMD file, which the
  // dev server would serve untransformed because esbuild-wasm is kept out of pre-bundling.
  const [esbuild, { default: wasmURL }] = await Promise.all([
    import('esbuild-wasm/esm/browser.js') as Promise<typeof Esbuild>,
    import('esbuild-wasm/esbuild.wasm?url'),
  ])
  // esbuild compiles in a worker of its own, so the page stays responsive meanwhile.
  await esbuild.initialize({ wasmURL, worker: true })
  // The first build pays for warming up the wasm; pay it now rather than on the first Run.
  await compileUserCode(esbuild, 'export {}')
  return esbuild
}

/** Keeps `result` as the compiled form of `source` (e.g. compiled when the site was built). */
export function rememberCompiled(source: string, result: CompileResult): void {
  compiled.delete(source)
  compiled.set(source, result)
  if (compiled.size > REMEMBERED_SOURCES) compiled.delete(compiled.keys().next().value!)
}

/** Whether `source` can run without the compiler. */
export function isCompiled(source: string): boolean {
  return compiled.has(source)
}

/** Compiles the reader's TypeScript, loading the compiler first if the text is new. */
export async function compile(source: string): Promise<CompileResult> {
  const known = compiled.get(source)
  if (known) return known
  const result = await compileUserCode(await loadCompiler(), source)
  rememberCompiled(source, result)
  return result
}
