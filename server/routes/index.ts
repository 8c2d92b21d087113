// Every route plugin of the API, registered by app.ts in this order. Add a domain's routes here.
import type { FastifyPluginAsync } from 'fastify';
import auth from './auth';
import dashboard from './dashboard';
import health from './health';
import projections from './projections';
import publicPages from '../features/coupons/publicPages';
import read from './read';
import { salesRoutePlugins } from './sales/index';
import staff from './staff';

export const routePlugins: FastifyPluginAsync[] = [health, auth, staff, read, dashboard, ...salesRoutePlugins, projections, publicPages];
