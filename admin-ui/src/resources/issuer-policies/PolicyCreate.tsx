// A policy for an issuer that has none yet (it then rules that issuer's devices instead of the
// default one): the same PUT, on the id the issuer's name gives (`Camera di Commercio di Roma` →
// `camera-di-commercio-di-roma`).
import { Create, SimpleForm, useDataProvider, useNotify, useRedirect } from 'react-admin';
import { issuerIdOf } from '../../../../domain/certificates/policyRules';
import { PolicyInputs, guideValues, toBody, type PolicyRecord } from './PolicyForm';

export default function PolicyCreate() {
  const dataProvider = useDataProvider();
  const notify = useNotify();
  const redirect = useRedirect();
  const save = async (fields: Record<string, unknown>) => {
    const values = fields as unknown as Omit<PolicyRecord, 'id'>;
    const id = issuerIdOf(String(values.issuerName ?? ''));
    try {
      await dataProvider.update('issuer-policies', { id, data: toBody(values), previousData: { id } });
      notify('app.policies.saved', { type: 'success' });
      redirect('show', 'issuer-policies', id);
    } catch (error) {
      const body = (error as { body?: { errors?: Record<string, string>; message?: string } }).body;
      notify(body?.message ?? String(error), { type: 'error' });
      return body?.errors;
    }
    return undefined;
  };
  return (
    <Create>
      <SimpleForm defaultValues={guideValues()} onSubmit={save}>
        <PolicyInputs />
      </SimpleForm>
    </Create>
  );
}
