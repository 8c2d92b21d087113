// Every route plugin of the API, registered by app.ts in this order. Add a domain's routes here.
import type { FastifyPluginAsync } from 'fastify';
import health from './health';

export const routePlugins: FastifyPluginAsync[] = [health];
