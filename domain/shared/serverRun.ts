// Which server run did something that only that run can finish (an Idempotency-Key's claim, an
// e-mail's send): the server, by the id kept in its data directory, and this start of it. A run
// that finds work left unfinished by an earlier run of its own server knows that run is dead and
// takes the work up at once; work of another server is left to it for a lease.
import { z } from 'zod';

export const serverRunSchema = z.object({ server: z.string().min(1), run: z.string().min(1) });
export type ServerRun = z.infer<typeof serverRunSchema>;
