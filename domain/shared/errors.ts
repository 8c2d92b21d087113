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

/** The values a code's rule names (`{ expected: 'S' }`), for clients to say it in their own words. */
export type ErrorParams = Readonly<Record<string, string | number>>;

/** One field at fault: its dotted path in the request, the code of the rule it breaks, that rule's values. */
export interface FieldError {
  field: string;
  code: string;
  params?: ErrorParams;
  /** The same in English, for people reading the API's answer. */
  message: string;
}

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: string,
    message: string,
    readonly kind: RefusalKind = 'rule',
    /** The request field at fault, when there is one (shown on that field in the console). */
    readonly field?: string,
    readonly params?: ErrorParams,
    /** Every field at fault when a form's checks were all run (see FieldChecks); the first is `field`. */
    readonly fieldErrors?: readonly FieldError[],
  ) {
    super(message);
  }
}

/**
 * Runs a form's checks past the first refusal, so that one answer names every field at fault
 * (three mistakes, one save): `check` catches a field's 'invalid' refusal and gives undefined,
 * `done` throws them all as one DomainError (code, message and field of the first, for clients that
 * read one; `fieldErrors` with all). Anything else a check throws goes through at once.
 */
export class FieldChecks {
  private readonly refused: FieldError[] = [];
  private first: DomainError | undefined;

  check<T>(run: () => T): T | undefined {
    try {
      return run();
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind !== 'invalid' || !error.field) throw error;
      this.first ??= error;
      // A nested form's checks (the billing address) bring all of theirs.
      this.refused.push(...(error.fieldErrors ?? [fieldErrorOf(error, error.field)]));
      return undefined;
    }
  }

  /** Throws when a check was refused; otherwise every checked value is there. */
  done(): void {
    const first = this.first;
    if (!first) return;
    const message = this.refused.map((e) => e.message).join('; ');
    throw new DomainError(first.code, message, 'invalid', first.field, first.params, [...this.refused]);
  }
}

function fieldErrorOf(error: DomainError, field: string): FieldError {
  return { field, code: error.code, ...(error.params ? { params: error.params } : {}), message: error.message };
}

export const refuse = (code: string, message: string, field?: string, params?: ErrorParams) =>
  new DomainError(code, message, 'rule', field, params);
export const conflict = (code: string, message: string) => new DomainError(code, message, 'conflict');
export const notFound = (what: string, id: string) => new DomainError(`${what}_not_found`, `${what.replace(/_/g, ' ')} ${id} not found`, 'not_found');
export const invalid = (field: string, message: string, code = 'input_invalid', params?: ErrorParams) =>
  new DomainError(code, `${field}: ${message}`, 'invalid', field, params);
