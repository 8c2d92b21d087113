// The embedded store's write transaction (events/adapters/sqlite.ts): a group of appends in one
// IMMEDIATE transaction, each with its own expectation, so that one append's refusal does not
// affect the others of its group. It runs on the writer's thread (sqliteWriterThread.mjs) for a
// store on disk, on the store's own thread for an in-memory one. Plain JavaScript: the writer's
// thread starts without the TypeScript loader. The shapes are in sqliteWriter.d.mts.

/** @param {import('better-sqlite3').Database} db */
export function createGroupWriter(db) {
  const stmt = {
    streamRevision: db.prepare('SELECT max(revision) AS revision FROM events WHERE stream = ?'),
    insert: db.prepare('INSERT INTO events (id, stream, revision, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    byId: db.prepare('SELECT stream, revision, position FROM events WHERE id = ?'),
    idExists: db.prepare('SELECT 1 FROM events WHERE id = ?').pluck(),
    byStreamRevision: db.prepare('SELECT id, revision, position FROM events WHERE stream = ? AND revision = ?'),
  };

  // EventStoreDB's idempotence: an append whose event ids are already stored, in this stream, right
  // after the revision the writer expected, is a retry; it answers the original result and writes
  // nothing. Returns undefined when the append is not such a retry and its first event id is not
  // stored; 'first_id_stored' when it is not a retry but its first id is taken (a conflict), so the
  // caller need not look that id up again.
  function retryResult(append) {
    const first = append.events[0];
    if (!first) return undefined;
    const stored = stmt.byId.get(first.id);
    if (!stored) return undefined;
    if (stored.stream !== append.stream) return 'first_id_stored';
    const expectedFirst =
      typeof append.expected === 'number' ? append.expected + 1 : append.expected === 'no_stream' ? 0 : stored.revision;
    if (stored.revision !== expectedFirst) return 'first_id_stored';
    let last = stored;
    for (let i = 1; i < append.events.length; i++) {
      const next = stmt.byStreamRevision.get(append.stream, stored.revision + i);
      if (!next || next.id !== append.events[i].id) return 'first_id_stored';
      last = next;
    }
    return { kind: 'retried', nextRevision: last.revision, position: last.position };
  }

  function currentRevision(stream, batchRevisions) {
    const inBatch = batchRevisions.get(stream);
    if (inBatch !== undefined) return inBatch;
    return stmt.streamRevision.get(stream)?.revision ?? 'no_stream';
  }

  function expectationHolds(expected, actual) {
    if (expected === 'any') return true;
    if (expected === 'no_stream') return actual === 'no_stream';
    if (expected === 'stream_exists') return actual !== 'no_stream';
    return actual === expected;
  }

  // Created once (db.transaction() builds five wrapper functions per call). IMMEDIATE takes the write
  // lock at BEGIN instead of upgrading a read lock at the first INSERT.
  const writeGroup = db
    .transaction((group, outcomes, created) => {
      const batchRevisions = new Map();
      for (const append of group) {
        const retried = retryResult(append);
        if (retried && retried !== 'first_id_stored') {
          outcomes.push(retried);
          continue;
        }
        const actual = currentRevision(append.stream, batchRevisions);
        const conflict =
          !expectationHolds(append.expected, actual) ||
          // The same event id cannot be stored twice; to the writer this is a conflict, like in EventStoreDB.
          retried === 'first_id_stored' ||
          append.events.some((e, i) => i > 0 && stmt.idExists.get(e.id) !== undefined);
        if (conflict) {
          outcomes.push({ kind: 'conflict', actual });
          continue;
        }
        let revision = actual === 'no_stream' ? -1 : actual;
        let position = 0;
        for (const event of append.events) {
          revision += 1;
          const info = stmt.insert.run(event.id, append.stream, revision, event.type, event.data, event.metadata, created);
          position = Number(info.lastInsertRowid);
        }
        batchRevisions.set(append.stream, revision);
        outcomes.push({ kind: 'written', nextRevision: revision, position });
      }
    })
    .immediate;

  return (group, created) => {
    const outcomes = [];
    writeGroup(group, outcomes, created);
    return outcomes;
  };
}
