// The requests, pending first by default, each with Approve and Reject. The server refuses an
// approval by the admin who asked or by the admin the change concerns; the button is shown anyway
// and the refusal explains why (a second admin has to do it).
import CheckIcon from '@mui/icons-material/Check';
import CloseIcon from '@mui/icons-material/Close';
import { Stack } from '@mui/material';
import { DataTable, FunctionField, List, ReferenceField, SelectInput, useRecordContext, useTranslate } from 'react-admin';
import { CommandDialog } from '../../components/CommandDialog';
import { RolesField } from '../../components/RolesField';

interface StaffChangeRequest {
  id: string;
  userId: string;
  reason: 'sales_role_for_admin' | 'password_reset';
  roles: string[] | null;
  requestedBy: string;
  status: 'pending' | 'approved' | 'rejected';
  decidedBy: string | null;
}

function Decide() {
  const record = useRecordContext<StaffChangeRequest>();
  if (!record || record.status !== 'pending') return null;
  return (
    <Stack direction="row" spacing={1}>
      <CommandDialog
        label="app.staff_requests.approve"
        icon={<CheckIcon />}
        path={`staff-change-requests/${record.id}/approve`}
        toBody={() => ({})}
        access={{ resource: 'staff-change-requests', action: 'edit' }}
        success="app.staff_requests.approved"
      />
      <CommandDialog
        label="app.staff_requests.reject"
        icon={<CloseIcon />}
        path={`staff-change-requests/${record.id}/reject`}
        toBody={() => ({})}
        access={{ resource: 'staff-change-requests', action: 'edit' }}
        success="app.staff_requests.rejected"
        color="error"
      />
    </Stack>
  );
}

export default function StaffChangeRequestList() {
  const translate = useTranslate();
  const statuses = ['pending', 'approved', 'rejected'].map((id) => ({ id, name: translate(`app.staff_requests.status_${id}`) }));
  return (
    <List
      exporter={false}
      filters={[<SelectInput key="status" source="status" choices={statuses} alwaysOn />]}
      filterDefaultValues={{ status: 'pending' }}
    >
      <DataTable bulkActionButtons={false} rowClick={false}>
        <DataTable.Col source="userId" disableSort>
          <ReferenceField source="userId" reference="staff-users" link="show" />
        </DataTable.Col>
        <DataTable.Col source="reason" disableSort>
          <FunctionField<StaffChangeRequest> render={(r) => translate(`app.staff_requests.reason_${r.reason}`)} />
        </DataTable.Col>
        <DataTable.Col source="roles" disableSort>
          <RolesField source="roles" />
        </DataTable.Col>
        <DataTable.Col source="requestedBy" disableSort>
          <ReferenceField source="requestedBy" reference="staff-users" link="show" />
        </DataTable.Col>
        <DataTable.Col source="status" disableSort>
          <FunctionField<StaffChangeRequest> render={(r) => translate(`app.staff_requests.status_${r.status}`)} />
        </DataTable.Col>
        <DataTable.Col source="decidedBy" disableSort>
          <ReferenceField source="decidedBy" reference="staff-users" link="show" emptyText="—" />
        </DataTable.Col>
        <DataTable.Col disableSort>
          <Decide />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
