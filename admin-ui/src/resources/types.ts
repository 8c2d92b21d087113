// What each folder under resources/ exports (default export of its index.ts), in the style of the
// react-admin e-commerce demo, plus who may use it.
import type { ComponentType, ReactElement } from 'react';
import type { Role } from '../../../domain/staff/roles';

export interface ResourceModule {
  /** Screens: lazy components (`lazy(() => import('./XList'))`), so each is its own chunk. No list: not in the menu. */
  list?: ComponentType;
  show?: ComponentType;
  edit?: ComponentType;
  create?: ComponentType;
  /** Menu icon: import one icon by path, `@mui/icons-material/People`, never the whole set. */
  icon: ComponentType;
  // react-admin types a record as `any` here, so does this.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  recordRepresentation: string | ReactElement | ((record: any) => string);
  /**
   * The roles allowed each action (`list`, `show`, `create`, `edit`, `delete`, `export`, a custom
   * one), `'*'` for every action not named. No `access`: every signed-in staff member. The menu,
   * the routes and react-admin's buttons follow it (through authProvider.canAccess); the server
   * enforces the same rules on its side.
   */
  access?: Readonly<Record<string, readonly Role[]>>;
}
