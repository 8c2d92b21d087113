import { describe, expect, it } from 'vitest';
import { EventCatalogue } from '../../../events/eventCatalogue';
import { issuerPolicyEventShapes, type IssuerPolicyEvent } from '../../../domain/certificates/events';
import {
  GUIDE_POLICY,
  issuerIdOf,
  issuerPoliciesAggregate,
  payAfterAllowed,
  policiesOf,
  policyFor,
  setIssuerPolicy,
  type IssuerPolicy,
} from '../../../domain/certificates/issuerPolicy';
import { fold, specFor } from '../gwt';

const spec = specFor(issuerPoliciesAggregate, { catalogue: new EventCatalogue<IssuerPolicyEvent>(issuerPolicyEventShapes) });
const AT = '2026-11-24T09:00:00.000Z';
const roma: IssuerPolicy = { ...GUIDE_POLICY, issuerId: 'camera-di-commercio-di-roma', issuerName: 'Camera di Commercio di Roma', renewalOpensDaysBefore: 30, graceHours: 48 };
const set = (policy: IssuerPolicy, setBy = 'sup-1', at = AT) => ({ type: 'IssuerPolicySet' as const, data: { ...policy, setBy, setAt: at } });

describe('setting an issuer policy', () => {
  it('records the whole policy with who set it and when', () => {
    spec.given([]).when((s) => setIssuerPolicy({ policy: GUIDE_POLICY, setBy: 'sup-1', at: AT }, s)).then([set(GUIDE_POLICY)]);
  });

  it('the same policy again changes nothing; a change records the whole new policy', () => {
    spec.given([set(GUIDE_POLICY)]).when((s) => setIssuerPolicy({ policy: { ...GUIDE_POLICY }, setBy: 'adm-1', at: AT }, s)).thenNothing();
    const changed = { ...GUIDE_POLICY, graceHours: 48 };
    spec.given([set(GUIDE_POLICY)]).when((s) => setIssuerPolicy({ policy: changed, setBy: 'adm-1', at: '2026-11-25T09:00:00.000Z' }, s)).then([
      set(changed, 'adm-1', '2026-11-25T09:00:00.000Z'),
    ]);
  });

  it('refuses a policy breaking its rules, naming the field', () => {
    spec.given([]).when((s) => setIssuerPolicy({ policy: { ...GUIDE_POLICY, graceHours: -1 }, setBy: 'sup-1', at: AT }, s)).then({ error: 'input_invalid', kind: 'invalid', field: 'graceHours' });
    spec.given([]).when((s) => setIssuerPolicy({ policy: { ...GUIDE_POLICY, renewalOpensDaysBefore: 0 }, setBy: 'sup-1', at: AT }, s)).then({ error: 'input_invalid', field: 'renewalOpensDaysBefore' });
    spec
      .given([])
      .when((s) => setIssuerPolicy({ policy: { ...GUIDE_POLICY, payAfter: { ...GUIDE_POLICY.payAfter, issuedFrom: '2009-02-30' } }, setBy: 'sup-1', at: AT }, s))
      .then({ error: 'input_invalid', field: 'payAfter.issuedFrom' });
  });

  it("refuses an issuerId that is not the slug of the issuer's name", () => {
    spec.given([]).when((s) => setIssuerPolicy({ policy: { ...roma, issuerId: 'roma' }, setBy: 'sup-1', at: AT }, s)).then({ error: 'input_invalid', field: 'issuerId', message: /camera-di-commercio-di-roma/ });
    expect(issuerIdOf('Città di Forlì')).toBe('citta-di-forli');
  });

  it('refuses a command without a valid instant', () => {
    expect(() => setIssuerPolicy({ policy: GUIDE_POLICY, setBy: 'sup-1', at: 'yesterday' }, {})).toThrow();
  });
});

describe('which policy rules a device', () => {
  it("the issuer's own policy (name matched ignoring case and spacing), else default, else the guides'", () => {
    expect(policyFor('Camera di Commercio di Roma', [])).toBe(GUIDE_POLICY);
    const state = fold(issuerPoliciesAggregate, [set({ ...GUIDE_POLICY, graceHours: 12 }), set(roma)]);
    const policies = policiesOf(state);
    expect(policyFor('  camera di   COMMERCIO di roma ', policies).issuerId).toBe('camera-di-commercio-di-roma');
    expect(policyFor('Camera di Commercio di Milano', policies)).toMatchObject({ issuerId: 'default', graceHours: 12 });
    // The default policy's name is not an issuer.
    expect(policyFor('Predefinita', [roma]).issuerId).toBe('default');
  });

  it('pay-after: smart cards issued from 1 January 2009 under the guides', () => {
    expect(payAfterAllowed(GUIDE_POLICY, { kind: 'smart_card', issuedOn: '2009-01-01' })).toBe(true);
    expect(payAfterAllowed(GUIDE_POLICY, { kind: 'smart_card', issuedOn: '2008-12-31' })).toBe(false);
    expect(payAfterAllowed(GUIDE_POLICY, { kind: 'usb_token', issuedOn: '2020-01-01' })).toBe(false);
    expect(payAfterAllowed({ ...GUIDE_POLICY, payAfter: { offered: false, deviceKinds: ['smart_card'], issuedFrom: null } }, { kind: 'smart_card', issuedOn: '2020-01-01' })).toBe(false);
  });
});
