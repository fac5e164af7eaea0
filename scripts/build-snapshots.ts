/**
 * Prebuilds one PGlite snapshot per dataset (and `empty`, a new project with no dataset) into
 * `public/snapshots/<name>.tar.gz`, so a lesson page boots Postgres without running initdb.
 * Run with vite-node, which resolves the emulator's `import.meta.glob` of the datasets.
 */
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises'
import { PGlite } from '@electric-sql/pglite'
import { buildSnapshot, DATASET_NAMES } from '../src/emulator/index.ts'
import { slimSnapshot } from './slim-snapshot.ts'

const OUT_DIR = new URL('../public/snapshots/', import.meta.url)
const EMULATOR_DIR = new URL('../src/emulator/', import.meta.url)
const DATASETS_DIR = new URL('../content/datasets/', import.meta.url)
const SCRIPTS = ['build-snapshots.ts', 'slim-snapshot.ts'].map(
  (name) => new URL(name, import.meta.url),
)

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
      ...(await Promise.all(SCRIPTS.map(changedAt))),
      name === 'empty' ? 0 : await changedAt(new URL(`${name}.sql`, DATASETS_DIR)),
    ]
    if (!isForced && (await changedAt(target)) > Math.max(...inputs)) {
      process.stdout.write(`snapshot ${name}: up to date\n`)
      continue
    }

    const started = performance.now()
    const snapshot = await buildSnapshot(name === 'empty' ? undefined : name)
    const full = new Uint8Array(await snapshot.arrayBuffer())
    const slim = slimSnapshot(full)
    const problem = await compareBoots(full, slim)
    if (problem) process.stdout.write(`snapshot ${name}: kept whole, the slim one ${problem}\n`)
    await writeFile(target, problem ? full : slim)
    const kb = Math.round((problem ? full : slim).length / 1024)
    process.stdout.write(
      `snapshot ${name}: ${kb} KB in ${Math.round(performance.now() - started)} ms\n`,
    )
  }
}

// What must come out the same from both snapshots: the catalog and every sequence's value.
const FINGERPRINT_SQL = `select
  (select count(*) from pg_class) as relations,
  (select string_agg(schemaname || '.' || sequencename || '=' || coalesce(last_value, 0), ',')
     from pg_sequences) as sequences`

/** Boots both snapshots; says what differs or fails in the slim one, if anything does. */
async function compareBoots(
  full: Uint8Array<ArrayBuffer>,
  slim: Uint8Array<ArrayBuffer>,
): Promise<string | null> {
  const fingerprint = async (bytes: Uint8Array<ArrayBuffer>, write: boolean) => {
    const db = new PGlite({ loadDataDir: new Blob([bytes], { type: 'application/gzip' }) })
    try {
      const { rows } = await db.query(FINGERPRINT_SQL)
      // Writing after the boot proves the log continues where the snapshot left it.
      if (write)
        await db.exec(
          'create table sandbase_slim_check (id serial); drop table sandbase_slim_check',
        )
      return JSON.stringify(rows)
    } finally {
      await db.close()
    }
  }
  try {
    const [expected, actual] = [await fingerprint(full, false), await fingerprint(slim, true)]
    return expected === actual ? null : `differs: ${actual} instead of ${expected}`
  } catch (error) {
    return `failed to boot: ${(error as Error).message}`
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
