/**
 * Postgres's WASM and file bundle, fetched and compiled by the page as it loads.
 *
 * Left to PGlite, the emulator Worker asks for them only once its own script has loaded and
 * run, a few hundred milliseconds into the page's life; started with the page, the download
 * and the compile overlap with that, and the Worker gets a compiled module (a
 * `WebAssembly.Module` can be posted to a Worker).
 */
import wasmUrl from '@electric-sql/pglite/pglite.wasm?url'
import bundleUrl from '@electric-sql/pglite/pglite.data?url'

export interface FetchedBinaries {
  wasmModule: WebAssembly.Module | null
  fsBundle: ArrayBuffer | null
}

/** Both, or null for one that failed: PGlite then fetches it itself, as without this. */
export async function fetchPostgresBinaries(): Promise<FetchedBinaries> {
  const [wasmModule, fsBundle] = await Promise.all([compileWasm(), fetchBundle()])
  return { wasmModule, fsBundle }
}

async function compileWasm(): Promise<WebAssembly.Module | null> {
  try {
    // Compiles while it downloads; needs the server to say `application/wasm`.
    return await WebAssembly.compileStreaming(fetch(wasmUrl))
  } catch {
    // Served as another type: the second download comes from the HTTP cache.
    const bytes = await fetch(wasmUrl)
      .then((response) => (response.ok ? response.arrayBuffer() : null))
      .catch(() => null)
    return bytes ? WebAssembly.compile(bytes).catch(() => null) : null
  }
}

async function fetchBundle(): Promise<ArrayBuffer | null> {
  const response = await fetch(bundleUrl).catch(() => null)
  if (!response?.ok) return null
  return response.arrayBuffer().catch(() => null)
}
