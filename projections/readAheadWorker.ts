// The thread of projections/readAhead.ts: its own connection to the store, read only; reads the log
// from `after` to its end, decodes the events the lane's projections handle, and sends them in
// pages of JSON, never more than PAGES_AHEAD pages before the host has taken them.
import { parentPort, workerData } from 'node:worker_threads';
import type { EventCatalogue } from '../events/eventCatalogue';
import { openStoreAt } from '../events/open';
import type { EventStore, RecordedEvent } from '../events/port';
import { KIND, PAGES_AHEAD, type EventTuple, type FromWorker, type Page, type ReadAheadSetup, type ToWorker } from './readAhead';

const setup = workerData as ReadAheadSetup;
const host = parentPort!;
const send = (message: FromWorker) => host.postMessage(message);

let credit = PAGES_AHEAD;
let wake: (() => void) | undefined;
host.on('message', (message: ToWorker) => {
  if (message.type !== 'ack') return;
  credit++;
  const w = wake;
  wake = undefined;
  w?.();
});

/** Where the event is, and when: all the runner needs of one no projection of the lane handles. */
const place = (event: RecordedEvent): EventTuple => [event.id, event.stream, event.revision, event.position, event.type, event.created.getTime()];
const carrying = (event: RecordedEvent, data: unknown, metadata: Record<string, unknown>): EventTuple => {
  const tuple = place(event);
  tuple.push(data, metadata);
  return tuple;
};

/** The log from `after`, a page at a time (whole pages from the store when it offers them). */
async function* pagesOf(store: EventStore, after: number): AsyncIterable<RecordedEvent[]> {
  if (store.readAllPages) {
    yield* store.readAllPages({ after });
    return;
  }
  let page: RecordedEvent[] = [];
  for await (const event of store.readAll({ after })) {
    page.push(event);
    if (page.length >= setup.pageSize) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

async function run(): Promise<void> {
  const module = (await import(setup.catalogue.module)) as Record<string, unknown>;
  const catalogue = module[setup.catalogue.name] as Pick<EventCatalogue<any>, 'has' | 'decode'> | undefined;
  if (typeof catalogue?.decode !== 'function') throw new Error(`${setup.catalogue.module} exports no catalogue named ${setup.catalogue.name}`);
  const handles = new Set(setup.handles);
  const store = await openStoreAt(setup.address, { readsOnly: true });
  try {
    let events: EventTuple[] = [];
    let kinds = '';
    let errors: string[] = [];
    const flush = async () => {
      while (credit <= 0) await new Promise<void>((resolve) => (wake = resolve));
      credit--;
      send({ type: 'page', text: JSON.stringify({ events, kinds, errors } satisfies Page) });
      events = [];
      kinds = '';
      errors = [];
    };
    for await (const page of pagesOf(store, setup.after)) {
      for (const event of page) {
        if (!handles.has(event.type)) {
          events.push(place(event));
          kinds += KIND.skipped;
        } else if (!catalogue.has(event.type)) {
          events.push(carrying(event, event.data, event.metadata));
          kinds += KIND.raw;
        } else {
          try {
            const decoded = catalogue.decode(event);
            events.push(carrying(event, decoded.data, decoded.metadata));
            kinds += KIND.decoded;
          } catch (error) {
            events.push(place(event));
            kinds += KIND.failed;
            errors.push(error instanceof Error ? error.message : String(error));
          }
        }
        if (events.length >= setup.pageSize) await flush();
      }
    }
    if (events.length > 0) await flush();
    send({ type: 'end' });
  } finally {
    await store.close();
  }
}

run().catch((error: unknown) => send({ type: 'failed', message: error instanceof Error ? error.message : String(error) }));
