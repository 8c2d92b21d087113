// A test and demo aid, not used in production: a CA that does not answer while `isDown()` says so,
// as a CA behind a broken network would (CaError `ca_unreachable`, nothing issued). The flow's
// "CA down, then up" tests wrap the development CA with it; production code never does.
import { CaError, type CertificateAuthority } from './port';

export function unreachableWhile(ca: CertificateAuthority, isDown: () => boolean): CertificateAuthority {
  const guard = <T>(call: () => Promise<T>): Promise<T> =>
    isDown() ? Promise.reject(new CaError('ca_unreachable', `the certificate authority ${ca.name} does not answer`)) : call();
  return {
    name: ca.name,
    issue: (request) => guard(() => ca.issue(request)),
    findIssued: (requestId) => guard(() => ca.findIssued(requestId)),
    chainPem: () => guard(() => ca.chainPem()),
    revoke: (serialNumber, reason) => guard(() => ca.revoke(serialNumber, reason)),
    crlPem: () => guard(() => ca.crlPem()),
  };
}
