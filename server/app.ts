// The Fastify application, assembled from plugins: external plugins first, then the back office's
// own (the event store), then the routes.
import Fastify, { type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { EventStore } from '../events/port';
import errorHandler from './plugins/app/errorHandler';
import eventStorePlugin from './plugins/app/eventStore';
import { routePlugins } from './routes';

export interface AppOptions {
  store: EventStore;
  logger?: FastifyServerOptions['logger'];
}

export async function buildApp({ store, logger = false }: AppOptions) {
  const app = Fastify({ logger, forceCloseConnections: 'idle' }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(errorHandler);
  await app.register(eventStorePlugin, { store });
  for (const routes of routePlugins) await app.register(routes);
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
