/**
 * Emulator figures measured side by side in one process: a one-row REST lookup through
 * supabase-js versus the same statements on raw PGlite, and booting from a snapshot versus
 * initdb. Prints ratios; run with `npm run bench`.
 */
import { PGlite } from '@electric-sql/pglite'
import { createClient } from '@supabase/supabase-js'
import { buildSnapshot, createEmulator } from '../../src/emulator/index.ts'
import { bootDatabase } from '../../src/emulator/db.ts'
import { beginTransaction } from '../../src/emulator/wire-transaction.ts'
import { EmulatorSocket } from '../../src/emulator/realtime/transport.ts'

const ROWS = 1000
const ITERATIONS = 300

const SQL = `
create table items (id int primary key, name text not null, price numeric);
insert into items select i, 'item ' || i, i * 1.5 from generate_series(1, ${ROWS}) i;
alter table items enable row level security;
create policy "items are public" on items for select using (true);`

// What the emulator runs for one lookup, done by hand: the role switch and claims in a
// transaction, then the query, with the body built by Postgres as PostgREST does.
async function lookupRaw(db: PGlite, id: number) {
  return db.transaction(async (tx) => {
    await tx.query(
      `select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`,
      ['anon', JSON.stringify({ role: 'anon' })],
    )
    return tx.query(
      `select coalesce(json_agg(t), '[]') as body from (select * from items where id = $1) t`,
      [String(id)],
    )
  })
}

// The same statements again, run the way the emulator runs SQL (prepared, over the wire
// protocol): what is left of the ratio is the emulator's own work plus supabase-js's.
async function lookupPrepared(db: PGlite, id: number) {
  return db._runExclusiveTransaction(async () => {
    const tx = beginTransaction(db)
    await tx.query(
      `select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`,
      ['anon', JSON.stringify({ role: 'anon' })],
    )
    const result = await tx.query(
      `select coalesce(json_agg(t), '[]') as body from (select * from items where id = $1) t`,
      [String(id)],
    )
    await tx.end('commit')
    return result
  })
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

async function timeEach(run: (i: number) => PromiseLike<unknown>): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; i < ITERATIONS; i++) {
    const started = performance.now()
    await run((i % ROWS) + 1)
    times.push(performance.now() - started)
  }
  return times
}

/** Prints the request-overhead and boot figures. */
export async function benchEmulator(): Promise<void> {
  const emulator = await createEmulator({ sql: SQL })
  const supabase = createClient(emulator.url, emulator.anonKey, {
    global: { fetch: emulator.fetch },
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: EmulatorSocket as never },
  })
  const raw = await bootDatabase({ snapshot: await emulator.dump() })

  // Warm both paths, then alternate them so drift affects both alike.
  for (let i = 1; i <= 30; i++) {
    await supabase.from('items').select().eq('id', i)
    await lookupRaw(raw, i)
    await lookupPrepared(raw, i)
  }
  const viaRest: number[] = []
  const viaRaw: number[] = []
  const viaPrepared: number[] = []
  for (let round = 0; round < 3; round++) {
    viaRest.push(...(await timeEach((id) => supabase.from('items').select().eq('id', id))))
    viaRaw.push(...(await timeEach((id) => lookupRaw(raw, id))))
    viaPrepared.push(...(await timeEach((id) => lookupPrepared(raw, id))))
  }
  const rest = median(viaRest)
  const plain = median(viaRaw)
  const prepared = median(viaPrepared)
  console.log(`one-row lookup via supabase-js → emulator: p50 ${rest.toFixed(3)} ms`)
  console.log(`same statements on raw PGlite (query()):  p50 ${plain.toFixed(3)} ms`)
  console.log(`  ratio ${(rest / plain).toFixed(2)}× (target ≤ 1.5×)`)
  console.log(`same statements prepared, as the emulator runs them: p50 ${prepared.toFixed(3)} ms`)
  console.log(`  ratio ${(rest / prepared).toFixed(2)}× (the emulator's and supabase-js's own work)`)

  const snapshot = await buildSnapshot(undefined, SQL)
  let started = performance.now()
  const fromInitdb = await bootDatabase({ sql: [SQL] })
  const initdbMs = performance.now() - started
  started = performance.now()
  const fromSnapshot = await bootDatabase({ snapshot })
  const snapshotMs = performance.now() - started
  console.log(`boot with initdb + bootstrap + SQL: ${initdbMs.toFixed(0)} ms`)
  console.log(`boot from snapshot (${(snapshot.size / 1e6).toFixed(1)} MB gz): ${snapshotMs.toFixed(0)} ms`)
  console.log(`  ratio ${(initdbMs / snapshotMs).toFixed(2)}× faster from snapshot`)

  await Promise.all([emulator.close(), raw.close(), fromInitdb.close(), fromSnapshot.close()])
}
