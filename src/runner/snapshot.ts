/** A dataset's prebuilt database snapshot: where it is served, its download, its type. */

/** Where the site serves the snapshot of `dataset`, built by `scripts/build-snapshots.ts`. */
export function getSnapshotUrl(dataset: string): string {
  return `${import.meta.env.BASE_URL}snapshots/${dataset}.tar.gz`
}

/** The snapshot's bytes, or null when there is none (the dev server before it was built). */
export async function fetchSnapshot(url: string): Promise<ArrayBuffer | null> {
  // A download cut short is tried once more: without a snapshot the project boots with
  // initdb, which takes many seconds.
  for (let attempt = 0; attempt < 2; attempt++) {
    const response = await fetch(url).catch(() => null)
    if (!response?.ok) return null
    const bytes = await response.arrayBuffer().catch(() => null)
    if (bytes) return bytes
  }
  return null
}

/** The snapshot as a Blob whose type tells PGlite whether to gunzip it. */
export function toSnapshotBlob(bytes: ArrayBuffer): Blob {
  // Some servers send the file with `Content-Encoding: gzip`, so the browser has already
  // unpacked it: look at the bytes rather than the name.
  const head = new Uint8Array(bytes, 0, Math.min(2, bytes.byteLength))
  const isGzip = head[0] === 0x1f && head[1] === 0x8b
  return new Blob([bytes], { type: isGzip ? 'application/gzip' : 'application/x-tar' })
}
