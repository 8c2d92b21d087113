// The `sql` tag finds a projection's statements by the place in the code and the table names, so
// one helper used for two tables (a read model's terms table and another's) writes to each its own.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { sql } from '../../projections/projection';

describe('sql: statements by place in the code and table', () => {
  it('one helper writing to two tables puts each row in its own table, and reads it back', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE a__v1 (term TEXT, seq INTEGER); CREATE TABLE b__v2 (term TEXT, seq INTEGER)');
    const add = (table: string, term: string, seq: number) => sql(db)`INSERT INTO ${table} (term, seq) VALUES (?, ?)`.run(term, seq);
    const count = (table: string) => sql(db)<[], number>`SELECT count(*) FROM ${table}`.pluck().get();
    add('a__v1', 'rossi', 1);
    add('b__v2', 'bianchi', 2);
    add('a__v1', 'verdi', 3);
    expect(count('a__v1')).toBe(2);
    expect(count('b__v2')).toBe(1);
    expect(db.prepare('SELECT term FROM b__v2').pluck().all()).toEqual(['bianchi']);
    // A second connection gets statements of its own (a statement belongs to one connection).
    const other = new Database(':memory:');
    other.exec('CREATE TABLE a__v1 (term TEXT, seq INTEGER)');
    sql(other)`INSERT INTO ${'a__v1'} (term, seq) VALUES (?, ?)`.run('neri', 4);
    expect(sql(other)<[], number>`SELECT count(*) FROM ${'a__v1'}`.pluck().get()).toBe(1);
    expect(count('a__v1')).toBe(2);
    db.close();
    other.close();
  });
});
