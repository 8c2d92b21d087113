import { BooleanField, DataTable, List, NullableBooleanInput, SearchInput, SelectInput, TextField, useTranslate } from 'react-admin';
import { DateTimeField, MoneyField, ShowLink } from '../../components/fields';

function useFilters() {
  const translate = useTranslate();
  return [
    <SearchInput key="q" source="q" alwaysOn placeholder={translate('app.customers.search')} aria-label={translate('app.customers.search')} />,
    <SelectInput
      key="kind"
      source="kind"
      choices={[
        { id: 'person', name: 'app.enums.customerKind.person' },
        { id: 'firm', name: 'app.enums.customerKind.firm' },
      ]}
    />,
    <NullableBooleanInput key="ro" source="registrationOfficer" />,
  ];
}

export default function CustomerList() {
  return (
    <List sort={{ field: 'fullName', order: 'ASC' }} exporter={false} filters={useFilters()}>
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="fullName">
          <ShowLink source="fullName" />
        </DataTable.Col>
        <DataTable.Col source="codiceFiscale">
          <TextField source="codiceFiscale" />
        </DataTable.Col>
        <DataTable.Col source="partitaIva" disableSort>
          <TextField source="partitaIva" />
        </DataTable.Col>
        <DataTable.Col source="email">
          <TextField source="email" />
        </DataTable.Col>
        <DataTable.Col source="city">
          <TextField source="city" />
        </DataTable.Col>
        <DataTable.Col source="registrationOfficer" disableSort>
          <BooleanField source="registrationOfficer" />
        </DataTable.Col>
        <DataTable.Col source="prepaidBalanceCents" align="right">
          <MoneyField source="prepaidBalanceCents" />
        </DataTable.Col>
        <DataTable.Col source="registeredAt">
          <DateTimeField source="registeredAt" dateOnly />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
