import { BooleanField, Show, SimpleShowLayout, TextField } from 'react-admin';
import { RolesField } from './RolesField';

export default function StaffUserShow() {
  return (
    <Show>
      <SimpleShowLayout>
        <TextField source="username" />
        <TextField source="displayName" />
        <RolesField source="roles" />
        <BooleanField source="disabled" />
      </SimpleShowLayout>
    </Show>
  );
}
