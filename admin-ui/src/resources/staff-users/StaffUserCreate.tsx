import { CheckboxGroupInput, Create, PasswordInput, required, SimpleForm, TextInput, useTranslate } from 'react-admin';
import { roles } from '../../../../domain/staff/roles';

export default function StaffUserCreate() {
  const translate = useTranslate();
  const choices = roles.map((role) => ({ id: role, name: translate(`app.roles.${role}`, { _: role }) }));
  return (
    <Create redirect="show">
      <SimpleForm defaultValues={{ roles: ['operator'] }}>
        <TextInput source="username" validate={required()} autoComplete="off" />
        <TextInput source="displayName" validate={required()} autoComplete="off" />
        <CheckboxGroupInput source="roles" choices={choices} validate={required()} />
        <PasswordInput source="password" validate={required()} autoComplete="new-password" />
      </SimpleForm>
    </Create>
  );
}
