// Runs the projections inside the server: opens the read-model database (`<dataDir>/read.db`),
// starts the runner (which resumes each projection from its checkpoint and follows the log live),
// and makes it available to routes as `app.projections` (status, `waitFor` for read-your-writes,
// `db` for the read routes). On close the runner stops before the event store closes: this plugin
// is registered after the event-store plugin, and Fastify runs onClose hooks in reverse order.
import fp from 'fastify-plugin';
import type { Projection } from '../../../projections/projection';
import { openReadModelDb, readModelFile } from '../../../projections/readModelDb';
import { ProjectionRunner, type RunnerCatalogue } from '../../../projections/runner';

declare module 'fastify' {
  interface FastifyInstance {
    projections: ProjectionRunner;
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

export default fp<ProjectionsPluginOptions>(
  async (app, options) => {
    const db = openReadModelDb(options.dataDir === undefined ? ':memory:' : readModelFile(options.dataDir));
    const runner = new ProjectionRunner({
      store: app.eventStore,
      catalogue: options.catalogue,
      db,
      projections: options.projections,
      logger: app.log.child({ component: 'projections' }),
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    });
    app.decorate('projections', runner);
    app.addHook('onClose', async () => {
      await runner.stop();
      db.close();
    });
    try {
      await runner.start();
    } catch (error) {
      db.close();
      throw error;
    }
  },
  { name: 'projections', dependencies: ['event-store'] },
);
