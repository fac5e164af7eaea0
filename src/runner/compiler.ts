/** esbuild-wasm for the page: loaded and initialised once, on first need, then reused. */
import type * as Esbuild from 'esbuild-wasm'
import { compileUserCode, type CompileResult } from './compile.ts'

let ready: Promise<typeof Esbuild> | null = null

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

/** Compiles the reader's TypeScript, loading the compiler first if needed. */
export async function compile(source: string): Promise<CompileResult> {
  return compileUserCode(await loadCompiler(), source)
}
