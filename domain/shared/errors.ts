// Domain refusals: what a decider throws when a command breaks a rule. The kind says what sort of
// refusal it is (the server's error handler turns it into an HTTP status); the code is stable for
// clients, the message is for people. A code is lower snake_case, the thing first, then what is
// wrong: `order_not_paid`, `username_taken`, `coupon_expired`, `email_invalid`, `roles_change_of_self`
// (test/domain/shared/errorCodes.test.ts checks every code domain/ throws).
export type RefusalKind =
  /** The command breaks a business rule given the current state. */
  | 'rule'
  /** The state changed under the command, or it repeats something unique. */
  | 'conflict'
  /** The thing the command names does not exist. */
  | 'not_found'
  /** The input is malformed in a way only the domain can tell, e.g. a wrong check character. */
  | 'invalid';

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: string,
    message: string,
    readonly kind: RefusalKind = 'rule',
    /** The request field at fault, when there is one (shown on that field in the console). */
    readonly field?: string,
  ) {
    super(message);
  }
}

export const refuse = (code: string, message: string, field?: string) => new DomainError(code, message, 'rule', field);
export const conflict = (code: string, message: string) => new DomainError(code, message, 'conflict');
export const notFound = (what: string, id: string) => new DomainError(`${what}_not_found`, `${what.replace(/_/g, ' ')} ${id} not found`, 'not_found');
export const invalid = (field: string, message: string, code = 'input_invalid') =>
  new DomainError(code, `${field}: ${message}`, 'invalid', field);
