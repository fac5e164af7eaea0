/** The table the filter tests share: every column type an operator needs, and NULLs. */
export const ITEMS_SQL = `
create table items (
  id int primary key, name text, price numeric, tags text[], during int4range, meta jsonb,
  body text, doc tsvector generated always as (to_tsvector('english', coalesce(body, ''))) stored,
  flag boolean
);
insert into items (id, name, price, tags, during, meta, body, flag) values
  (1, 'apple', 1.5, '{fruit,red}', '[1,5)', '{"color": "red", "n": 1}', 'The quick brown fox jumps', true),
  (2, 'Banana', 0.25, '{fruit,yellow}', '[5,10)', '{"color": "yellow"}', 'Lazy dogs sleep all day', false),
  (3, 'cherry pie', null, '{dessert,red}', '[20,30)', null, 'Quick foxes and lazy dogs', null),
  (4, 'a,b "quoted"', 10, '{}', null, '{"n": 2}', null, true),
  (5, 'percent%_x', 3, null, null, '{}', 'Some fox tales', false);
create table canary (id int);
insert into canary values (1);
`

/** The ids of rows, to compare results compactly. */
export function ids(data: { id: number }[] | null): number[] | null {
  return data ? data.map((row) => row.id) : null
}
