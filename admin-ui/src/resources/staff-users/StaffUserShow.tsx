// A staff user, and what an admin does with the account: change its roles, set a new password,
// disable or enable it. Each is a command (server/features/staff/routes.ts); refusals (an admin removing
// their own roles, disabling themselves, a weak password) appear on the field or as a message. A role
// change that gives an admin a sales role, and a password reset, may instead wait for a second
// admin's approval (Staff change requests).
import BlockIcon from '@mui/icons-material/Block';
import KeyIcon from '@mui/icons-material/Key';
import ManageAccountsIcon from '@mui/icons-material/ManageAccounts';
import LockOpenIcon from '@mui/icons-material/LockOpen';
import { BooleanField, CheckboxGroupInput, PasswordInput, required, Show, SimpleShowLayout, TextField, TopToolbar, useRecordContext, useTranslate } from 'react-admin';
import { CommandDialog } from '../../components/CommandDialog';
import { roles } from '../../../../domain/staff/roles';
import { RolesField } from '../../components/RolesField';

interface StaffUser {
  id: string;
  username: string;
  roles: string[];
  disabled: boolean;
}

/** A sensitive change answers 202 with a pending request when a second admin must approve it. */
const pendingOr = (done: string) => (data: unknown) =>
  (data as { status?: unknown } | null)?.status === 'pending' ? 'app.staff.request_pending' : done;

function Actions() {
  const record = useRecordContext<StaffUser>();
  const translate = useTranslate();
  if (!record) return <TopToolbar />;
  const choices = roles.map((role) => ({ id: role, name: translate(`app.roles.${role}`, { _: role }) }));
  return (
    <TopToolbar>
      <CommandDialog<{ roles: string[] }>
        label="app.staff.change_roles"
        icon={<ManageAccountsIcon />}
        path={`staff-users/${record.id}/roles`}
        defaultValues={{ roles: record.roles }}
        toBody={(v) => ({ roles: v.roles ?? [] })}
        access={{ resource: 'staff-users', action: 'edit' }}
        success={pendingOr('app.staff.roles_changed')}
      >
        <CheckboxGroupInput source="roles" label="resources.staff-users.fields.roles" choices={choices} validate={required()} />
      </CommandDialog>
      <CommandDialog<{ newPassword: string }>
        label="app.staff.reset_password"
        icon={<KeyIcon />}
        path={`staff-users/${record.id}/reset-password`}
        toBody={(v) => ({ newPassword: v.newPassword ?? '' })}
        access={{ resource: 'staff-users', action: 'edit' }}
        success={pendingOr('app.staff.password_reset')}
        description={translate('app.staff.reset_password_help')}
      >
        <PasswordInput source="newPassword" label="app.staff.new_password" validate={required()} autoComplete="new-password" fullWidth />
      </CommandDialog>
      {record.disabled ? (
        <CommandDialog
          label="app.staff.enable"
          icon={<LockOpenIcon />}
          path={`staff-users/${record.id}/enable`}
          toBody={() => ({})}
          access={{ resource: 'staff-users', action: 'edit' }}
          success="app.staff.enabled"
        />
      ) : (
        <CommandDialog
          label="app.staff.disable"
          icon={<BlockIcon />}
          path={`staff-users/${record.id}/disable`}
          toBody={() => ({})}
          access={{ resource: 'staff-users', action: 'edit' }}
          success="app.staff.disabled"
          description={translate('app.staff.disable_help', { username: record.username })}
          color="error"
        />
      )}
    </TopToolbar>
  );
}

export default function StaffUserShow() {
  return (
    <Show actions={<Actions />}>
      <SimpleShowLayout>
        <TextField source="username" />
        <TextField source="displayName" />
        <RolesField source="roles" />
        <BooleanField source="disabled" />
      </SimpleShowLayout>
    </Show>
  );
}
