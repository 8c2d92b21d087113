// The console's audit filter offers the event types of domain/eventTypes.ts: exactly the types the
// event catalogue reads and writes, each once, the same as the areas' event shapes name.
import { describe, expect, it } from 'vitest';
import { productEventShapes } from '../../domain/catalogue/events';
import { couponCodeEventShapes, couponEventShapes } from '../../domain/coupons/events';
import { customerEventShapes } from '../../domain/customers/events';
import { deviceEventShapes, holderDeviceEventShapes } from '../../domain/devices/events';
import { emailEventShapes } from '../../domain/emails/events';
import { eventTypes } from '../../domain/eventTypes';
import { invoiceEventShapes } from '../../domain/invoicing/events';
import { orderEventShapes, rfReferenceEventShapes } from '../../domain/orders/events';
import { bankReferenceEventShapes, paymentEventShapes } from '../../domain/payments/events';
import { prepaidEventShapes } from '../../domain/prepaid/events';
import { typesOf } from '../../domain/shared/events';
import { staffEventShapes } from '../../domain/staff/events';
import { catalogue } from '../../events';
import { issuerPolicyEventShapes } from '../../domain/certificates/events';
import { caReportEventShapes, deviceRenewalClaimEventShapes, renewalEventShapes } from '../../domain/renewals/events';
import { replacementEventShapes } from '../../domain/replacements/events';
import { reminderEventShapes } from '../../domain/reminders/events';
import { bankStatementEventShapes } from '../../domain/bankStatements/events';
import { sdiEventShapes } from '../../domain/sdi/events';
import { logVerificationEventShapes } from '../../domain/logVerification/events';
import { operationsEventShapes } from '../../domain/operations/events';
import { idempotencyEventShapes } from '../../domain/idempotency/events';

const sorted = (types: Iterable<string>) => [...types].sort();

describe('domain event types', () => {
  it('are the types of the event catalogue', () => {
    expect(sorted(eventTypes)).toEqual(sorted(new Set(catalogue.types())));
  });

  it('are listed once each', () => {
    expect(new Set(eventTypes).size).toBe(eventTypes.length);
  });

  it("are the types of the areas' event shapes", () => {
    const shapes = [
      customerEventShapes,
      prepaidEventShapes,
      deviceEventShapes,
      holderDeviceEventShapes,
      productEventShapes,
      orderEventShapes,
      rfReferenceEventShapes,
      paymentEventShapes,
      bankReferenceEventShapes,
      invoiceEventShapes,
      couponEventShapes,
      couponCodeEventShapes,
      emailEventShapes,
      staffEventShapes,
      issuerPolicyEventShapes,
      renewalEventShapes,
      deviceRenewalClaimEventShapes,
      caReportEventShapes,
      replacementEventShapes,
      reminderEventShapes,
      bankStatementEventShapes,
      sdiEventShapes,
      logVerificationEventShapes,
      operationsEventShapes,
      idempotencyEventShapes,
    ];
    expect(sorted(eventTypes)).toEqual(sorted(shapes.flatMap((s) => typesOf(s))));
  });
});
