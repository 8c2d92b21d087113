// All staff users, for "is there an admin yet?" where no read model answers. Kept in memory and
// brought up to date by reading the global log after the last position it has seen, every time it
// is asked: a list asked for right after a command includes that command's change, and users
// written by another process (the createAdmin CLI) show up without a restart.
//
// It reads every event once (only staff events are decoded), so the server asks the staff-users
// read model instead (server/security/bootstrap.ts) and comes here only when that read model
// cannot catch up.
import type { Role } from '../../../events/eventCatalogue';
import { catalogue } from '../../../events/index';
import type { EventStore } from '../../../events/port';
import { staffEventShapes, type StaffEvent } from '../../../domain/staff/events';
import { staffAggregate, type StaffState } from '../../../domain/staff/decider';
import { toRecord, type StaffUserRecord } from './accounts';

const staffTypes = new Set<string>(staffEventShapes.map((d) => d.type));

export class StaffDirectory {
  private readonly users = new Map<string, StaffState>();
  private position = 0;
  private pending: Promise<void> = Promise.resolve();

  constructor(private readonly store: EventStore) {}

  /** Reads what was appended since the last refresh; concurrent callers share the work in order. */
  refresh(): Promise<void> {
    const run = this.pending.then(() => this.catchUp());
    this.pending = run.catch(() => undefined);
    return run;
  }

  private async catchUp(): Promise<void> {
    for await (const recorded of this.store.readAll({ after: this.position })) {
      this.position = recorded.position;
      // The username guard and the change requests are not users.
      if (!staffTypes.has(recorded.type) || recorded.type === 'StaffUsernameClaimed' || recorded.type.startsWith('StaffChange')) continue;
      const event = catalogue.decode(recorded) as unknown as StaffEvent;
      const userId = (event.data as { userId: string }).userId;
      this.users.set(userId, staffAggregate.evolve(this.users.get(userId) ?? staffAggregate.initialState(), event));
    }
  }

  /** Every user, after a refresh. */
  async list(): Promise<StaffUserRecord[]> {
    await this.refresh();
    const out: StaffUserRecord[] = [];
    for (const user of this.users.values()) if (user.exists) out.push(toRecord(user));
    return out;
  }

  async hasEnabledUserWithRole(role: Role): Promise<boolean> {
    return (await this.list()).some((u) => !u.disabled && u.roles.includes(role));
  }
}
