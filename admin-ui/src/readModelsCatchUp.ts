// A command the server answered before its read models had its events (a busy server: it waits for
// them 2 s at most) says so: `X-Read-Models-Behind: <position>`, and which read models
// (`X-Read-Models-Behind-Projections`). The screen re-read right after the command would then still
// show what was there before it, and nothing would read it again. So the console asks the server to
// tell when those read models have reached that position (GET /api/projections/caught-up, which
// waits up to 10 s a call; not the others, one of which may be rebuilding for minutes) and then
// reads the screen again (`useRefreshWhenReadModelsCatchUp`, in the layout): the change shows as
// soon as the read models have it, without a reload.
import { useEffect } from 'react';
import { useRefresh } from 'react-admin';

export const READ_MODELS_BEHIND_HEADER = 'X-Read-Models-Behind';
export const READ_MODELS_BEHIND_PROJECTIONS_HEADER = 'X-Read-Models-Behind-Projections';
/** Calls of the caught-up route (10 s each) before the screen is read again all the same. */
const MAX_WAITS = 3;

const caughtUp = new EventTarget();
let awaited = 0;
/** The read models that wait is for: their names, or null for every one. */
let awaitedProjections: readonly string[] | null = null;

/**
 * Waits for the read models named (null: every one) to reach `position`, then tells the layout. A
 * wait on its way for this position or a later one, for these read models or more, does for both.
 */
export async function awaitReadModels(apiUrl: string, position: number, projections: readonly string[] | null = null): Promise<void> {
  const covered = awaitedProjections === null || (projections !== null && projections.every((name) => awaitedProjections!.includes(name)));
  if (position <= awaited && covered) return;
  awaited = Math.max(awaited, position);
  awaitedProjections = covered || projections === null ? projections : [...new Set([...awaitedProjections!, ...projections])];
  const query = `position=${awaited}${awaitedProjections ? `&projections=${encodeURIComponent(awaitedProjections.join(','))}` : ''}`;
  const mine = awaited;
  for (let attempt = 0; attempt < MAX_WAITS; attempt++) {
    try {
      const answer = await fetch(`${apiUrl}/projections/caught-up?${query}`, {
        credentials: 'same-origin',
        headers: { Accept: 'application/json' },
      });
      if (!answer.ok) break;
      if (((await answer.json()) as { caughtUp?: boolean }).caughtUp) break;
    } catch {
      break; // the server is away: the next screen read will show what it has
    }
  }
  if (awaited === mine) {
    awaited = 0;
    awaitedProjections = null;
  }
  caughtUp.dispatchEvent(new Event('caught-up'));
}

/** Reads the current screen again each time the read models catch up with a command that outran them. */
export function useRefreshWhenReadModelsCatchUp(): void {
  const refresh = useRefresh();
  useEffect(() => {
    const onCaughtUp = () => refresh();
    caughtUp.addEventListener('caught-up', onCaughtUp);
    return () => caughtUp.removeEventListener('caught-up', onCaughtUp);
  }, [refresh]);
}
