// The command API of sales, one plugin per area (registered by server/routes/index.ts). Every route
// has a row in server/security/routeTable.ts; commands answer with their result and `position`
// after the read models have caught up with it (server/read/readYourWrites.ts).
import type { FastifyPluginAsync } from 'fastify';
import coupons from '../../features/coupons/routes';
import customers from '../../features/customers/routes';
import devices from '../../features/devices/routes';
import documents from '../../features/invoicing/routes';
import emails from '../../features/emails/routes';
import orders from '../../features/orders/routes';
import payments from '../../features/payments/routes';
import products from '../../features/catalogue/routes';

export const salesRoutePlugins: FastifyPluginAsync[] = [customers, products, devices, orders, payments, emails, documents, coupons];
