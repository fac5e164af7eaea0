/**
 * Lesson datasets: plain SQL files in `content/datasets/`, run after the bootstrap the way a
 * Supabase user pastes them into the SQL editor.
 */
const loaders = import.meta.glob('../../content/datasets/*.sql', {
  query: '?raw',
  import: 'default',
}) as Record<string, () => Promise<string>>

/** Names of every dataset, e.g. `countries`. */
export const DATASET_NAMES = Object.keys(loaders).map((path) => path.replace(/^.*\/|\.sql$/g, ''))

/** Loads a dataset's SQL by name; an unknown name is a RangeError naming the choices. */
export async function loadDatasetSql(name: string): Promise<string> {
  const loader = loaders[`../../content/datasets/${name}.sql`]
  if (!loader) {
    throw new RangeError(`Unknown dataset "${name}". Known: ${DATASET_NAMES.join(', ')}`)
  }
  return loader()
}
