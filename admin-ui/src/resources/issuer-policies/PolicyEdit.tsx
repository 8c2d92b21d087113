// Setting an issuer's whole policy (supervisors and admins): PUT /api/issuer-policies/:id. The
// issuer's name is the policy's key (its id is the name's slug), so it is not changed here.
import { Edit, SimpleForm } from 'react-admin';
import { PolicyInputs, toBody, type PolicyRecord } from './PolicyForm';

export default function PolicyEdit() {
  return (
    <Edit mutationMode="pessimistic" redirect="show" transform={(values: PolicyRecord) => toBody(values)}>
      <SimpleForm>
        <PolicyInputs nameReadOnly />
      </SimpleForm>
    </Edit>
  );
}
