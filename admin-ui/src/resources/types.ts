// What each folder under resources/ exports (default export of its index.ts), in the style of the
// react-admin e-commerce demo. Who may use it is in access.ts.
import type { ComponentType, ReactElement } from 'react';

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
}
