/**
 * Prebuilds one PGlite snapshot per dataset (and `empty`, a new project with no dataset) into
 * `public/snapshots/<name>.tar.gz`, so a lesson page boots Postgres without running initdb.
 * Run with vite-node, which resolves the emulator's `import.meta.glob` of the datasets.
 */
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises'
import { buildSnapshot, DATASET_NAMES } from '../src/emulator/index.ts'

const OUT_DIR = new URL('../public/snapshots/', import.meta.url)
const EMULATOR_DIR = new URL('../src/emulator/', import.meta.url)
const DATASETS_DIR = new URL('../content/datasets/', import.meta.url)

/** Builds and writes the snapshot of each named dataset, `empty` first. */
async function buildSnapshots(names: string[]): Promise<void> {
  await mkdir(OUT_DIR, { recursive: true })
  // The bootstrap SQL lives in the emulator's sources, so any change there may change a
  // snapshot; `--force` rebuilds regardless.
  const emulatorChanged = await newestChange(EMULATOR_DIR)
  const isForced = process.argv.includes('--force')

  for (const name of names) {
    const target = new URL(`${name}.tar.gz`, OUT_DIR)
    const inputs = [
      emulatorChanged,
      name === 'empty' ? 0 : await changedAt(new URL(`${name}.sql`, DATASETS_DIR)),
    ]
    if (!isForced && (await changedAt(target)) > Math.max(...inputs)) {
      process.stdout.write(`snapshot ${name}: up to date\n`)
      continue
    }

    const started = performance.now()
    const snapshot = await buildSnapshot(name === 'empty' ? undefined : name)
    await writeFile(target, new Uint8Array(await snapshot.arrayBuffer()))
    const kb = Math.round(snapshot.size / 1024)
    process.stdout.write(
      `snapshot ${name}: ${kb} KB in ${Math.round(performance.now() - started)} ms\n`,
    )
  }
}

/** When a file last changed, in ms; 0 when it does not exist. */
async function changedAt(file: URL): Promise<number> {
  return stat(file).then(
    ({ mtimeMs }) => mtimeMs,
    () => 0,
  )
}

/** The latest change to any file under `dir`. */
async function newestChange(dir: URL): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  const files = entries.filter((entry) => entry.isFile())
  const times = await Promise.all(
    files.map((entry) => changedAt(new URL(`file://${entry.parentPath}/${entry.name}`))),
  )
  return Math.max(0, ...times)
}

const requested = process.argv.slice(2).filter((arg) => !arg.startsWith('--'))
await buildSnapshots(requested.length > 0 ? requested : ['empty', ...DATASET_NAMES])
