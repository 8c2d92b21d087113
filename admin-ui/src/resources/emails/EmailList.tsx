import { DataTable, List, ReferenceField, SearchInput, SelectInput, TextField, useTranslate } from 'react-admin';
import { EnumField, ShowLink } from '../../components/fields';
import { formatRomeDateTime } from '../../format';
import { useRecordContext } from 'react-admin';
import { RetryButton } from './RetryButton';

function QueuedLink(_props: { label?: string }) {
  const record = useRecordContext<{ queuedAt?: string }>();
  return <ShowLink>{record?.queuedAt ? formatRomeDateTime(record.queuedAt) : ''}</ShowLink>;
}

export const EMAIL_STATES = ['queued', 'sent', 'retrying', 'failed'] as const;

function useFilters() {
  const translate = useTranslate();
  return [
    <SearchInput key="q" source="q" alwaysOn placeholder={translate('app.emails.search')} aria-label={translate('app.emails.search')} />,
    <SelectInput key="state" source="state" alwaysOn choices={EMAIL_STATES.map((s) => ({ id: s, name: `app.enums.emailState.${s}` }))} />,
  ];
}

export default function EmailList() {
  return (
    <List sort={{ field: 'queuedAt', order: 'DESC' }} exporter={false} filters={useFilters()}>
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="queuedAt">
          <QueuedLink />
        </DataTable.Col>
        <DataTable.Col source="to">
          <TextField source="to" />
        </DataTable.Col>
        <DataTable.Col source="reason" disableSort>
          <EnumField source="reason" name="emailReason" chip={false} />
        </DataTable.Col>
        <DataTable.Col source="orderId" disableSort>
          <ReferenceField source="orderId" reference="orders" link="show" />
        </DataTable.Col>
        <DataTable.Col source="couponCount" disableSort>
          <TextField source="couponCount" />
        </DataTable.Col>
        <DataTable.Col source="state" disableSort>
          <EnumField source="state" name="emailState" />
        </DataTable.Col>
        <DataTable.Col source="attempts" disableSort>
          <TextField source="attempts" />
        </DataTable.Col>
        <DataTable.Col source="lastError" disableSort>
          <TextField source="lastError" />
        </DataTable.Col>
        <DataTable.Col label="ra.action.refresh" disableSort>
          <RetryButton />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
