import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createProject, type Project } from '../../helpers.ts'

const SQL = `
create table countries (id int primary key, name text);
create table cities (id int primary key, name text, country_id int references countries);
insert into countries values (1, 'France'), (2, 'Japan'), (3, 'Peru');
insert into cities values (1, 'Paris', 1), (2, 'Lyon', 1), (3, 'Tokyo', 2), (4, 'Atlantis', null);

create table users (id int primary key, name text);
create table teams (id int primary key, name text);
create table members (user_id int references users, team_id int references teams, primary key (user_id, team_id));
create table profiles (user_id int primary key references users, bio text);
create table messages (
  id int primary key, content text,
  sender_id int references users, receiver_id int references users
);
insert into users values (1, 'Ada'), (2, 'Grace'), (3, 'Linus');
insert into teams values (1, 'Red'), (2, 'Blue');
insert into members values (1, 1), (1, 2), (2, 2);
insert into profiles values (1, 'math'), (2, 'navy');
insert into messages values (1, 'hi', 1, 2), (2, 'yo', 2, 1);

create table passports (id int primary key, user_id int unique references users, code text);
insert into passports values (1, 1, 'P-ADA');

create view big_cities as select id, name, country_id from cities where id <= 3;

create table secrets (id int primary key, country_id int references countries, note text, visible boolean);
insert into secrets values (1, 1, 'shown', true), (2, 1, 'hidden', false);
alter table secrets enable row level security;
create policy "visible rows" on secrets for select using (visible);
`

describe('GET with embedded resources', () => {
  let project: Project
  beforeAll(async () => {
    project = await createProject({ sql: SQL })
  })
  afterAll(() => project.emulator.close())

  test('one-to-many embeds an array, empty when nothing refers to the row', async () => {
    const { data, error } = await project.anon
      .from('countries')
      .select('name, cities(name)')
      .order('id')
    expect(error).toBeNull()
    expect(data).toEqual([
      { name: 'France', cities: [{ name: 'Paris' }, { name: 'Lyon' }] },
      { name: 'Japan', cities: [{ name: 'Tokyo' }] },
      { name: 'Peru', cities: [] },
    ])
  })

  test('many-to-one embeds an object, or null when the key is null', async () => {
    const { data } = await project.anon
      .from('cities')
      .select('name, country:countries(name)')
      .in('id', [3, 4])
      .order('id')
    expect(data).toEqual([
      { name: 'Tokyo', country: { name: 'Japan' } },
      { name: 'Atlantis', country: null },
    ])
  })

  test('many-to-many goes through the join table', async () => {
    const { data } = await project.anon
      .from('users')
      .select('name, teams(name)')
      .order('id')
      .order('id', { referencedTable: 'teams' })
    expect(data).toEqual([
      { name: 'Ada', teams: [{ name: 'Red' }, { name: 'Blue' }] },
      { name: 'Grace', teams: [{ name: 'Blue' }] },
      { name: 'Linus', teams: [] },
    ])
  })

  test('one-to-one (the key is also the primary key) embeds an object', async () => {
    const { data } = await project.anon.from('users').select('name, profiles(bio)').order('id')
    expect(data).toEqual([
      { name: 'Ada', profiles: { bio: 'math' } },
      { name: 'Grace', profiles: { bio: 'navy' } },
      { name: 'Linus', profiles: null },
    ])
  })

  test('a unique foreign key is one-to-one too, in both directions', async () => {
    const users = await project.anon
      .from('users')
      .select('name, passports(code)')
      .lte('id', 2)
      .order('id')
    expect(users.data).toEqual([
      { name: 'Ada', passports: { code: 'P-ADA' } },
      { name: 'Grace', passports: null },
    ])
    const passports = await project.anon.from('passports').select('code, users(name)')
    expect(passports.data).toEqual([{ code: 'P-ADA', users: { name: 'Ada' } }])
  })

  test('a view that exposes a foreign key embeds like its table, both ways', async () => {
    const countries = await project.anon
      .from('countries')
      .select('name, big_cities(name)')
      .eq('id', 1)
      .order('id', { referencedTable: 'big_cities' })
    expect(countries.data).toEqual([
      { name: 'France', big_cities: [{ name: 'Paris' }, { name: 'Lyon' }] },
    ])
    const cities = await project.anon.from('big_cities').select('name, countries(name)').eq('id', 3)
    expect(cities.data).toEqual([{ name: 'Tokyo', countries: { name: 'Japan' } }])
  })

  test('the same table twice, told apart by column hints', async () => {
    const { data, error } = await project.anon
      .from('messages')
      .select('content, from:users!sender_id(name), to:users!receiver_id(name)')
      .order('id')
    expect(error).toBeNull()
    expect(data).toEqual([
      { content: 'hi', from: { name: 'Ada' }, to: { name: 'Grace' } },
      { content: 'yo', from: { name: 'Grace' }, to: { name: 'Ada' } },
    ])
  })

  test('a constraint name works as a hint too', async () => {
    const { data } = await project.anon
      .from('messages')
      .select('id, users!messages_receiver_id_fkey(name)')
      .eq('id', 1)
    expect(data).toEqual([{ id: 1, users: { name: 'Grace' } }])
  })

  test('errs with 300 PGRST201 when two relationships match', async () => {
    const { error, status } = await project.anon.from('messages').select('id, users(name)')
    expect(status).toBe(300)
    expect(error?.code).toBe('PGRST201')
    expect(error?.message).toBe(
      "Could not embed because more than one relationship was found for 'messages' and 'users'",
    )
    expect(error?.details).toEqual([
      {
        cardinality: 'many-to-one',
        embedding: 'messages with users',
        relationship: 'messages_sender_id_fkey using messages(sender_id) and users(id)',
      },
      {
        cardinality: 'many-to-one',
        embedding: 'messages with users',
        relationship: 'messages_receiver_id_fkey using messages(receiver_id) and users(id)',
      },
    ])
    expect(error?.hint).toBe(
      "Try changing 'users' to one of the following: 'users!messages_sender_id_fkey', " +
        "'users!messages_receiver_id_fkey'. Find the desired relationship in the 'details' key.",
    )
  })

  test('errs with 400 PGRST200 for no relationship, suggesting a close name', async () => {
    const { error, status } = await project.anon.from('countries').select('name, citie(name)')
    expect(status).toBe(400)
    expect(error).toEqual({
      code: 'PGRST200',
      message: "Could not find a relationship between 'countries' and 'citie' in the schema cache",
      details:
        "Searched for a foreign key relationship between 'countries' and 'citie' in the " +
        "schema 'public', but no matches were found.",
      hint: "Perhaps you meant 'cities' instead of 'citie'.",
    })
  })

  test('a filter on an embedded column filters the embedded rows only', async () => {
    const { data } = await project.anon
      .from('countries')
      .select('name, cities(name)')
      .eq('cities.name', 'Lyon')
      .order('id')
    expect(data).toEqual([
      { name: 'France', cities: [{ name: 'Lyon' }] },
      { name: 'Japan', cities: [] },
      { name: 'Peru', cities: [] },
    ])
  })

  test('!inner also drops the parents without a match', async () => {
    const { data, count } = await project.anon
      .from('countries')
      .select('name, cities!inner(name)', { count: 'exact' })
      .eq('cities.name', 'Lyon')
    expect(data).toEqual([{ name: 'France', cities: [{ name: 'Lyon' }] }])
    expect(count).toBe(1)
  })

  test('!inner on a to-one embedding drops rows whose key is null', async () => {
    const { data } = await project.anon
      .from('cities')
      .select('name, countries!inner(name)')
      .order('id')
    expect(data?.map((row) => row.name)).toEqual(['Paris', 'Lyon', 'Tokyo'])
  })

  test('order and limit apply inside the embedding', async () => {
    const { data } = await project.anon
      .from('countries')
      .select('name, cities(name)')
      .eq('id', 1)
      .order('name', { referencedTable: 'cities' })
      .limit(1, { referencedTable: 'cities' })
    expect(data).toEqual([{ name: 'France', cities: [{ name: 'Lyon' }] }])
  })

  test('range() on an embedding pages its rows', async () => {
    const { data } = await project.anon
      .from('countries')
      .select('name, cities(name)')
      .eq('id', 1)
      .order('id', { referencedTable: 'cities' })
      .range(1, 1, { referencedTable: 'cities' })
    expect(data).toEqual([{ name: 'France', cities: [{ name: 'Lyon' }] }])
  })

  test('or() on an embedding filters its rows', async () => {
    const { data } = await project.anon
      .from('countries')
      .select('name, cities(name)')
      .or('name.eq.Paris,name.eq.Tokyo', { referencedTable: 'cities' })
      .lte('id', 2)
      .order('id')
    expect(data).toEqual([
      { name: 'France', cities: [{ name: 'Paris' }] },
      { name: 'Japan', cities: [{ name: 'Tokyo' }] },
    ])
  })

  test('rel(count) counts the related rows', async () => {
    const { data } = await project.anon.from('countries').select('name, cities(count)').order('id')
    expect(data).toEqual([
      { name: 'France', cities: [{ count: 2 }] },
      { name: 'Japan', cities: [{ count: 1 }] },
      { name: 'Peru', cities: [{ count: 0 }] },
    ])
  })

  test('a spread lifts the columns of a to-one embedding into the row', async () => {
    const { data } = await project.anon
      .from('cities')
      .select('name, ...countries(country:name)')
      .lte('id', 3)
      .order('id')
    expect(data).toEqual([
      { name: 'Paris', country: 'France' },
      { name: 'Lyon', country: 'France' },
      { name: 'Tokyo', country: 'Japan' },
    ])
  })

  test('a to-many spread gathers each column into an array', async () => {
    const { data } = await project.anon
      .from('countries')
      .select('name, ...cities(city_names:name, city_ids:id)')
      .order('id')
      .order('id', { referencedTable: 'cities' })
    expect(data).toEqual([
      { name: 'France', city_names: ['Paris', 'Lyon'], city_ids: [1, 2] },
      { name: 'Japan', city_names: ['Tokyo'], city_ids: [3] },
      { name: 'Peru', city_names: [], city_ids: [] },
    ])
  })

  test('order by a column of a to-one embedding', async () => {
    const { data } = await project.anon
      .from('cities')
      .select('name, countries(name)')
      .not('country_id', 'is', null)
      .order('countries(name)', { ascending: false })
      .order('name')
    expect(data?.map((row) => row.name)).toEqual(['Tokyo', 'Lyon', 'Paris'])
  })

  test('embeddings nest', async () => {
    const { data } = await project.anon
      .from('cities')
      .select('name, countries(name, cities(name))')
      .eq('id', 3)
    expect(data).toEqual([
      { name: 'Tokyo', countries: { name: 'Japan', cities: [{ name: 'Tokyo' }] } },
    ])
  })

  test('filters reach nested embeddings by their dotted path, and !inner propagates up', async () => {
    const { data, error } = await project.anon
      .from('messages')
      .select('id, sender:users!sender_id!inner(name, profiles!inner(bio))')
      .eq('sender.profiles.bio', 'navy')
    expect(error).toBeNull()
    expect(data).toEqual([{ id: 2, sender: { name: 'Grace', profiles: { bio: 'navy' } } }])
  })

  test('aliases stay distinct for tables with names near the 63-byte limit', async () => {
    const parent = 'a_parent_table_whose_name_is_long_enough_to_reach_the_limit_xx'
    const child = 'a_child_table_whose_name_is_also_long_enough_to_reach_the_limit'
    await project.emulator.db.exec(`
      create table ${parent} (id int primary key);
      create table ${child} (id int primary key, first_id int references ${parent}, second_id int references ${parent});
      insert into ${parent} values (1), (2);
      insert into ${child} values (1, 1, 2);
    `)
    const { data, error } = await project.anon
      .from(child)
      .select(`id, first:${parent}!first_id(id), second:${parent}!second_id(id)`)
    expect(error).toBeNull()
    expect(data).toEqual([{ id: 1, first: { id: 1 }, second: { id: 2 } }])
  })

  test('row level security applies to embedded rows', async () => {
    const { data } = await project.anon.from('countries').select('name, secrets(note)').eq('id', 1)
    expect(data).toEqual([{ name: 'France', secrets: [{ note: 'shown' }] }])
  })

  test('an is-null filter on the embedding itself keeps parents with (or without) matches', async () => {
    const withLyon = await project.anon
      .from('countries')
      .select('name, cities(name)')
      .eq('cities.name', 'Lyon')
      .not('cities', 'is', null)
    expect(withLyon.data).toEqual([{ name: 'France', cities: [{ name: 'Lyon' }] }])

    const without = await project.anon.from('countries').select('name, cities()').is('cities', null)
    expect(without.data).toEqual([{ name: 'Peru' }])
  })

  test('errs with 400 PGRST120 for another operator on the embedding itself', async () => {
    const { error, status } = await project.anon
      .from('countries')
      .select('name, cities(name)')
      .eq('cities', 'x')
    expect(status).toBe(400)
    expect(error).toEqual({
      code: 'PGRST120',
      message: "Bad operator on the 'cities' embedded resource",
      details: 'Only is null or not is null filters are allowed on embedded resources',
      hint: null,
    })
  })

  test('errs with 400 PGRST118 when ordering by a to-many embedding', async () => {
    const { error, status } = await project.anon
      .from('countries')
      .select('name, cities(name)')
      .order('cities(name)')
    expect(status).toBe(400)
    expect(error).toEqual({
      code: 'PGRST118',
      message: "A related order on 'cities' is not possible",
      details: "'countries' and 'cities' do not form a many-to-one or one-to-one relationship",
      hint: null,
    })
  })

  test('errs with PGRST108 for a related order on a resource that is not embedded', async () => {
    const { error, status } = await project.anon
      .from('cities')
      .select('name')
      .order('countries(name)')
    expect(status).toBe(400)
    expect(error?.code).toBe('PGRST108')
  })

  test('errs with PGRST108 for a filter on a resource that is not embedded', async () => {
    const { error, status } = await project.anon
      .from('countries')
      .select('name')
      .eq('cities.name', 'Lyon')
    expect(status).toBe(400)
    expect(error).toEqual({
      code: 'PGRST108',
      message: "'cities' is not an embedded resource in this request",
      details: null,
      hint: "Verify that 'cities' is included in the 'select' query parameter.",
    })
  })
})

describe('embedding: not yet emulated', () => {
  test.todo('Not yet: views that rename key columns, views of views and computed relationships')
})
