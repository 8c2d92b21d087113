// The words of a device's life, without the event schemas (the console imports them; it does not
// ship zod): the token's statuses and the RFC 5280 revocation reasons the back office uses.

/** A token's status: active; lost or suspended (active again later); terminated for good. */
export const deviceStatuses = ['active', 'lost', 'suspended', 'terminated'] as const;
export type DeviceStatus = (typeof deviceStatuses)[number];

/** RFC 5280 reason codes the back office uses. */
export const revocationReasons = ['superseded', 'keyCompromise', 'cessationOfOperation', 'unspecified'] as const;
export type RevocationReason = (typeof revocationReasons)[number];
