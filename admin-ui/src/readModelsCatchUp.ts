// A command the server answered before its read models had its events (a busy server: it waits for
// them 2 s at most) says so: `X-Read-Models-Behind: <position>`. The screen re-read right after the
// command would then still show what was there before it, and nothing would read it again. So the
// console asks the server to tell when every read model has reached that position (GET
// /api/projections/caught-up, which waits up to 10 s a call) and then reads the screen again
// (`useRefreshWhenReadModelsCatchUp`, in the layout): the change shows as soon as the read models
// have it, without a reload.
import { useEffect } from 'react';
import { useRefresh } from 'react-admin';

export const READ_MODELS_BEHIND_HEADER = 'X-Read-Models-Behind';
/** Calls of the caught-up route (10 s each) before the screen is read again all the same. */
const MAX_WAITS = 3;

const caughtUp = new EventTarget();
let awaited = 0;

/** Waits for the read models to reach `position` (the furthest asked so far), then tells the layout. */
export async function awaitReadModels(apiUrl: string, position: number): Promise<void> {
  if (position <= awaited) return; // a wait for this position or a later one is on its way
  awaited = position;
  for (let attempt = 0; attempt < MAX_WAITS; attempt++) {
    try {
      const answer = await fetch(`${apiUrl}/projections/caught-up?position=${position}`, {
        credentials: 'same-origin',
        headers: { Accept: 'application/json' },
      });
      if (!answer.ok) break;
      if (((await answer.json()) as { caughtUp?: boolean }).caughtUp) break;
    } catch {
      break; // the server is away: the next screen read will show what it has
    }
  }
  if (awaited === position) awaited = 0;
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
