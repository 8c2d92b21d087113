// A button that opens a dialog with a small form and sends one domain command (useCommand): the
// server's field errors appear on the fields, its refusal as a notification, and the screen is
// refreshed when it succeeds. Shown only to the roles that may send it (`access`).
import { Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle } from '@mui/material';
import { useId, useState, type ReactElement, type ReactNode } from 'react';
import { Button, Form, SaveButton, useTranslate, type ButtonProps } from 'react-admin';
import { useCan } from './access';
import { useCommand } from './useCommand';

export interface CommandDialogProps<V extends Record<string, unknown>, T> {
  /** Button label (i18n key). */
  label: string;
  icon?: ReactElement;
  title?: string;
  description?: ReactNode;
  /** `POST /api/<path>`. */
  path: string;
  toBody?: (values: V) => unknown;
  defaultValues?: Partial<V>;
  children?: ReactNode;
  /** Shown only when the user may do `action` on `resource`. */
  access?: { resource: string; action: string };
  success?: string | ((data: T) => string | undefined);
  successArgs?: Record<string, unknown>;
  onDone?: (data: T) => void;
  /** The dialog's confirm button (default: the button's label). */
  confirmLabel?: string;
  variant?: ButtonProps['variant'];
  color?: ButtonProps['color'];
  disabled?: boolean;
  /** Don't refresh the screen (onDone redirects). */
  noRefresh?: boolean;
}

export function CommandDialog<V extends Record<string, unknown> = Record<string, unknown>, T = unknown>(props: CommandDialogProps<V, T>) {
  const { label, icon, title, description, path, toBody, defaultValues, children, access, success, successArgs, onDone, confirmLabel } = props;
  const allowed = useCan(access?.resource ?? '', access?.action ?? '');
  const translate = useTranslate();
  const [open, setOpen] = useState(false);
  // The form starts from the defaults as they were when the dialog opened: react-admin's Form
  // starts again from its record whenever that changes, so a re-read of the screen behind (the
  // read models catching up, the user coming back to the tab) would wipe what was typed.
  const [initialValues, setInitialValues] = useState<Partial<V>>({});
  const { run, running } = useCommand();
  const titleId = useId();
  if (access && !allowed) return null;

  const submit = async (values: Record<string, unknown>) => {
    const result = await run<T>(path, toBody ? toBody(values as V) : values, { success, successArgs, refresh: !props.noRefresh });
    if (result.ok) {
      setOpen(false);
      onDone?.(result.data);
      return undefined;
    }
    return result.failure.errors;
  };

  return (
    <>
      <Button
        label={label}
        onClick={() => {
          setInitialValues(defaultValues ?? {});
          setOpen(true);
        }}
        variant={props.variant ?? 'text'}
        color={props.color}
        disabled={props.disabled}
      >
        {icon}
      </Button>
      <Dialog open={open} onClose={() => !running && setOpen(false)} aria-labelledby={titleId} fullWidth maxWidth="sm">
        <Form onSubmit={submit} record={initialValues as Record<string, unknown>} noValidate>
          <DialogTitle id={titleId}>{translate(title ?? label)}</DialogTitle>
          <DialogContent>
            {description ? <DialogContentText sx={{ mb: 2 }}>{description}</DialogContentText> : null}
            {children}
          </DialogContent>
          <DialogActions>
            <Button label="ra.action.cancel" onClick={() => setOpen(false)} disabled={running} />
            <SaveButton label={confirmLabel ?? label} icon={icon} alwaysEnable={!running} />
          </DialogActions>
        </Form>
      </Dialog>
    </>
  );
}
