// The metadata of the events a request's command appends: who (the logged-in user and the role the
// route table let them in with), when, and the correlation and idempotency the client sent.
//
//   const context = commandContext(request);
//   await handleCommand(deps, stream, aggregate, decide, context);
//
// Only a request that passed authorization has a user; on any other it throws a 401, so a command
// can never be recorded without a known, enabled user.
import type { FastifyRequest } from 'fastify';
import type { CommandContext } from '../../events/eventCatalogue';
import { HttpError, unauthenticated } from '../plugins/app/access';
import { uuidv7 } from '../../events/uuid';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
/** Printable ASCII without spaces, as most clients generate them (UUIDs, ULIDs, hashes). */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

export function commandContext(request: FastifyRequest): CommandContext {
  const staff = request.staff;
  if (!staff) throw unauthenticated();
  const correlation = header(request, 'x-correlation-id')?.trim();
  const key = header(request, 'idempotency-key');
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    throw new HttpError(400, 'input_invalid', 'Idempotency-Key: must be 1 to 200 printable characters without spaces');
  }
  const context: CommandContext = {
    actor: { userId: staff.userId, role: staff.role },
    at: request.server.security.now().toISOString(),
    correlationId: correlation && UUID.test(correlation) ? correlation.toLowerCase() : uuidv7(),
    causationId: null,
  };
  if (key !== undefined) context.idempotencyKey = key;
  return context;
}
