/**
 * The free playground at `/play/`: any code against a project of the reader's choice, a
 * new one or a lesson's dataset, picked with `?dataset=`. The page is static, so the choice
 * is read from the address in the browser.
 */
import Playground from '../playground/Playground.tsx'

interface Starter {
  label: string
  code: string
}

// A first call for each project, so Run shows something before the reader writes code.
const STARTERS: Record<string, Starter> = {
  empty: {
    label: 'A new project (no tables)',
    code: `// A new Supabase project: no tables yet, but auth works.
const { data, error } = await supabase.auth.signUp({
  email: 'someone@example.com',
  password: 'a-long-passphrase',
})
console.log(error ?? data.user?.email)
`,
  },
  database: {
    label: 'Database lessons (countries, cities, teams, ...)',
    code: `const { data, error } = await supabase
  .from('countries')
  .select('name, cities(name)')
  .limit(3)
console.log(error ?? data)
`,
  },
  filters: {
    label: 'Filter and modifier lessons (planets, moons, ...)',
    code: `const { data, error } = await supabase
  .from('planets')
  .select('name')
  .order('name')
console.log(error ?? data)
`,
  },
  auth: {
    label: 'Auth lessons (users, profiles, notes with RLS)',
    code: `const { data, error } = await supabase.auth.signInWithPassword({
  email: 'ada@example.com',
  password: 'lovelace-1815',
})
console.log(error ?? data.user?.email)
const notes = await supabase.from('notes').select()
console.log(notes.data)
`,
  },
}

/** Reads `?dataset=` and renders the playground for that project. */
export default function PlayPage() {
  const requested = new URLSearchParams(window.location.search).get('dataset') ?? 'empty'
  const dataset = requested in STARTERS ? requested : 'empty'

  return (
    <>
      <nav className="sb-play-datasets" aria-label="Project">
        <span>Project:</span>
        {Object.entries(STARTERS).map(([name, { label }]) => (
          <a key={name} href={`?dataset=${name}`} aria-current={name === dataset ? 'page' : undefined}>
            {label}
          </a>
        ))}
      </nav>
      {requested !== dataset && (
        <p role="status">There is no project called “{requested}”; this is a new one.</p>
      )}
      <Playground
        key={dataset}
        examples={[{ title: 'Your code', code: STARTERS[dataset].code }]}
        dataset={dataset}
      />
    </>
  )
}
