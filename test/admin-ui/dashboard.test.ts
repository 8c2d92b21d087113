// The console reads GET /api/dashboard with its own type of the answer (it imports nothing of the
// server); the compiler checks here that it is the server's, field for field.
import { describe, expectTypeOf, it } from 'vitest';
import type { DashboardFigures as ConsoleFigures } from '../../admin-ui/src/Dashboard';
import type { DashboardFigures as ServerFigures } from '../../server/features/dashboard/read';

describe('dashboard figures', () => {
  it("the console's type of the answer is the server's", () => {
    expectTypeOf<ConsoleFigures>().toEqualTypeOf<ServerFigures>();
  });
});
