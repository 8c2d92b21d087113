import { BooleanField, DataTable, List, TextField } from 'react-admin';
import { ShowLink } from '../../components/fields';
import { RolesField } from '../../components/RolesField';

export default function StaffUserList() {
  return (
    <List sort={{ field: 'username', order: 'ASC' }} exporter={false}>
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="username">
          <ShowLink source="username" />
        </DataTable.Col>
        <DataTable.Col source="displayName">
          <TextField source="displayName" />
        </DataTable.Col>
        <DataTable.Col source="roles" disableSort>
          <RolesField />
        </DataTable.Col>
        <DataTable.Col source="disabled">
          <BooleanField source="disabled" />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
