// Every projection of the back office, run by the server (server/plugins/app/projections.ts) and
// rebuilt by the CLI (projections/cli.ts). Add a read model's projection here.
import type { Projection } from './projection';

export const projections: Projection<any>[] = [];
