// Read model `staff_users`: the staff accounts for the admins' list (it replaces the in-memory
// directory the staff routes used to rebuild from the whole log). Never the password hash: only
// when it last changed. Roles are a JSON array in the row and one row each in `staff_user_roles`,
// so "users with role X" is an indexed lookup.
import { usernameKey } from '../../domain/staff/decider';
import type { StaffEvent } from '../../domain/staff/events';
import { sql, type Projection } from '../projection';
import { isoTime, normaliseText } from './shared';

export const staffUsersProjection: Projection<StaffEvent> = {
  name: 'staff-users',
  version: 1,
  tables: ['staff_users', 'staff_user_roles'],
  handles: ['StaffUserCreated', 'StaffRolesChanged', 'StaffPasswordChanged', 'StaffUserDisabled', 'StaffUserEnabled'],
  setup(db, t) {
    const s = t('staff_users');
    db.exec(`CREATE TABLE ${s} (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      username TEXT NOT NULL,
      username_key TEXT NOT NULL,
      display_name TEXT NOT NULL,
      display_key TEXT NOT NULL,
      roles TEXT NOT NULL,
      disabled INTEGER NOT NULL DEFAULT 0,
      created_at TEXT NOT NULL,
      password_changed_at TEXT,
      updated_at TEXT NOT NULL
    )`);
    db.exec(`CREATE INDEX ${s}_by_username ON ${s} (username_key)`);
    db.exec(`CREATE INDEX ${s}_by_display ON ${s} (display_key)`);
    db.exec(`CREATE INDEX ${s}_by_disabled ON ${s} (disabled, username_key)`);
    db.exec(`CREATE INDEX ${s}_by_created ON ${s} (created_at)`);
    const r = t('staff_user_roles');
    db.exec(`CREATE TABLE ${r} (role TEXT NOT NULL, user_id TEXT NOT NULL, PRIMARY KEY (role, user_id)) WITHOUT ROWID`);
    db.exec(`CREATE INDEX ${r}_by_user ON ${r} (user_id)`);
  },
  apply(db, event, t) {
    const s = t('staff_users');
    const setRoles = (userId: string, roles: readonly string[]) => {
      sql(db)`DELETE FROM ${t('staff_user_roles')} WHERE user_id = ?`.run(userId);
      const insert = sql(db)`INSERT OR IGNORE INTO ${t('staff_user_roles')} (role, user_id) VALUES (?, ?)`;
      for (const role of roles) insert.run(role, userId);
    };
    switch (event.type) {
      case 'StaffUserCreated': {
        const d = event.data;
        const at = isoTime(d.createdAt);
        sql(db)`INSERT INTO ${s} (id, username, username_key, display_name, display_key, roles, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`.run(d.userId, d.username, usernameKey(d.username), d.displayName, normaliseText(d.displayName), JSON.stringify(d.roles), at, at);
        setRoles(d.userId, d.roles);
        break;
      }
      case 'StaffRolesChanged': {
        const d = event.data;
        sql(db)`UPDATE ${s} SET roles = ?, updated_at = ? WHERE id = ?`.run(JSON.stringify(d.roles), isoTime(d.changedAt), d.userId);
        setRoles(d.userId, d.roles);
        break;
      }
      case 'StaffPasswordChanged': {
        const at = isoTime(event.data.changedAt);
        sql(db)`UPDATE ${s} SET password_changed_at = ?, updated_at = ? WHERE id = ?`.run(at, at, event.data.userId);
        break;
      }
      case 'StaffUserDisabled':
        sql(db)`UPDATE ${s} SET disabled = 1, updated_at = ? WHERE id = ?`.run(isoTime(event.data.disabledAt), event.data.userId);
        break;
      case 'StaffUserEnabled':
        sql(db)`UPDATE ${s} SET disabled = 0, updated_at = ? WHERE id = ?`.run(isoTime(event.data.enabledAt), event.data.userId);
        break;
      case 'StaffUsernameClaimed':
        break;
    }
  },
};
