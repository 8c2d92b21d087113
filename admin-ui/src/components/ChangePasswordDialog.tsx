// Changing one's own password, from the user menu: the current password, the new one twice, the
// rule shown under the field and checked before sending (domain/staff/passwordRule.ts, the same rule
// the server applies); the server's refusals land on their fields in the chosen language.
// POST /api/auth/password ends the user's other sessions and keeps this one under a new cookie: the
// user stays signed in here.
import { Dialog, DialogActions, DialogContent, DialogTitle } from '@mui/material';
import { useId } from 'react';
import { Button, Form, PasswordInput, SaveButton, useDataProvider, useGetIdentity, useNotify, useTranslate, type TranslateFunction } from 'react-admin';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblemCode } from '../../../domain/staff/passwordRule';
import type { BackOfficeDataProvider } from '../dataProvider';
import { failureOf } from './useCommand';

interface Values {
  currentPassword?: string;
  newPassword?: string;
  confirmPassword?: string;
}

const rule = { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH };

function validate(values: Values, username: string | undefined, translate: TranslateFunction) {
  const errors: Record<string, string> = {};
  if (!values.currentPassword) errors.currentPassword = translate('ra.validation.required');
  if (!values.newPassword) errors.newPassword = translate('ra.validation.required');
  else {
    const problem = passwordProblemCode(values.newPassword, username);
    if (problem) errors.newPassword = translate(`app.password.problem.${problem}`, rule);
    else if (values.newPassword === values.currentPassword) errors.newPassword = translate('app.password.errors.password_unchanged');
  }
  if (!values.confirmPassword) errors.confirmPassword = translate('ra.validation.required');
  else if (values.newPassword && values.confirmPassword !== values.newPassword) errors.confirmPassword = translate('app.password.mismatch');
  return errors;
}

/** The server's refusal on the field it concerns, in our words when we have them. */
const FIELD_OF_CODE: Readonly<Record<string, keyof Values>> = {
  password_wrong: 'currentPassword',
  password_weak: 'newPassword',
  password_unchanged: 'newPassword',
  login_throttled: 'currentPassword',
  account_locked: 'currentPassword',
};

export default function ChangePasswordDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const translate = useTranslate();
  const notify = useNotify();
  const dataProvider = useDataProvider<BackOfficeDataProvider>();
  const { identity } = useGetIdentity();
  const username = typeof identity?.username === 'string' ? identity.username : undefined;
  const titleId = useId();

  const submit = async (values: Values) => {
    try {
      await dataProvider.command('auth/password', { currentPassword: values.currentPassword, newPassword: values.newPassword });
    } catch (error) {
      const failure = failureOf(error, translate);
      const field = failure.code ? FIELD_OF_CODE[failure.code] : undefined;
      if (field) return { [field]: translate(`app.password.errors.${failure.code}`, { ...rule, _: failure.message }) };
      notify(failure.message, { type: 'error' });
      return undefined;
    }
    notify('app.password.changed', { type: 'success' });
    onClose();
    return undefined;
  };

  return (
    <Dialog open={open} onClose={onClose} aria-labelledby={titleId} fullWidth maxWidth="xs">
      <Form onSubmit={submit} validate={(values) => validate(values as Values, username, translate)} noValidate>
        <DialogTitle id={titleId}>{translate('app.password.title')}</DialogTitle>
        <DialogContent>
          <PasswordInput source="currentPassword" label="app.password.current" autoComplete="current-password" fullWidth />
          <PasswordInput
            source="newPassword"
            label="app.password.new"
            autoComplete="new-password"
            helperText={translate('app.password.rule', rule)}
            fullWidth
          />
          <PasswordInput source="confirmPassword" label="app.password.confirm" autoComplete="new-password" fullWidth />
        </DialogContent>
        <DialogActions>
          <Button label="ra.action.cancel" onClick={onClose} />
          <SaveButton label="app.password.save" alwaysEnable />
        </DialogActions>
      </Form>
    </Dialog>
  );
}
