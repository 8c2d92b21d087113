// Runs the projections for the server and makes them available to routes as `app.projections`
// (status, `waitFor` for read-your-writes, `db` for the read routes). The read models go to
// `<dataDir>/read.db`. With the back office's own projections over a store that another
// connection can open (a file, an EventStoreDB), they run in a worker thread
// (projections/thread.ts), so that applying events does not take the event loop that answers
// requests; otherwise (in-memory stores and read models, a test's own projections) the runner
// runs in this thread. On close the projections stop before the event store closes: this plugin
// is registered after the event-store plugin, and Fastify runs onClose hooks in reverse order.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { catalogue as backOfficeCatalogue } from '../../../events/index';
import { projections as backOfficeProjections } from '../../../projections/index';
import type { Projection } from '../../../projections/projection';
import { openReadModelDb, readModelFile } from '../../../projections/readModelDb';
import { ProjectionRunner, type RunnerCatalogue } from '../../../projections/runner';
import { ProjectionThread, type ReadSide } from '../../../projections/thread';

declare module 'fastify' {
  interface FastifyInstance {
    projections: ReadSide;
  }
}

export interface ProjectionsPluginOptions {
  /** Every projection of the back office. */
  projections: readonly Projection<any>[];
  /** The event catalogue (events/index.ts). */
  catalogue: RunnerCatalogue;
  /** The data directory; the read models go to `read.db` in it (in memory when absent, for tests). */
  dataDir?: string | undefined;
  /** Most events per transaction (default: the runner's). */
  batchSize?: number;
}

/** The runner in this thread, and what closes it with its read-model database. */
async function startInThisThread(app: FastifyInstance, options: ProjectionsPluginOptions): Promise<[ReadSide, () => Promise<void>]> {
  const db = openReadModelDb(options.dataDir === undefined ? ':memory:' : readModelFile(options.dataDir));
  const runner = new ProjectionRunner({
    store: app.eventStore,
    catalogue: options.catalogue,
    db,
    projections: options.projections,
    logger: app.log.child({ component: 'projections' }),
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
  });
  try {
    await runner.start();
  } catch (error) {
    db.close();
    throw error;
  }
  const close = async () => {
    await runner.stop();
    db.close();
  };
  return [runner, close];
}

export default fp<ProjectionsPluginOptions>(
  async (app, options) => {
    const address = app.eventStore.address;
    const ownProjections = options.projections === backOfficeProjections && options.catalogue === backOfficeCatalogue;
    let readSide: ReadSide;
    let close: () => Promise<void>;
    if (address && options.dataDir !== undefined && ownProjections) {
      const thread = await ProjectionThread.start(
        { store: address, readModelFile: readModelFile(options.dataDir), batchSize: options.batchSize },
        app.log.child({ component: 'projections' }),
      );
      [readSide, close] = [thread, () => thread.stop()];
    } else {
      [readSide, close] = await startInThisThread(app, options);
    }
    app.decorate('projections', readSide);
    app.addHook('onClose', close);
  },
  { name: 'projections', dependencies: ['event-store'] },
);
