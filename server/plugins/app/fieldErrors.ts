// Schema validation's issues (zod, through fastify-type-provider-zod) as stable field errors: zod's
// issue codes and messages may change between versions and speak of types; a client needs one
// code per rule, with the values the rule names (`value_too_short` with `min`), to say it in the
// desk's own language. Every code here has a text in the console's catalogue
// (test/admin-ui/errorMessages.test.ts).

/** One field at fault, as the API sends it: its dotted path in the request, the rule it breaks and that rule's values. */
export interface FieldError {
  field: string;
  code: string;
  params?: Readonly<Record<string, string | number>>;
}

/** The codes schema validation answers with. */
export const VALIDATION_CODES = [
  'value_required',
  'value_type_invalid',
  'value_too_short',
  'value_too_long',
  'value_too_small',
  'value_too_large',
  'items_too_few',
  'items_too_many',
  'email_invalid',
  'value_format_invalid',
  'choice_invalid',
  'value_not_multiple',
  'field_unknown',
  'value_invalid',
] as const;

export type ValidationCode = (typeof VALIDATION_CODES)[number];

/** What fastify-type-provider-zod leaves of a zod issue: its code as `keyword`, the rest in `params`. */
export interface ValidationIssue {
  keyword?: string;
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
}

const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : (v as number));

function ruleOf(issue: ValidationIssue, missing: boolean): { code: ValidationCode; params?: FieldError['params'] } {
  const p = issue.params ?? {};
  const origin = p.origin as string | undefined;
  switch (issue.keyword) {
    case 'invalid_type':
      // zod 4's issue does not carry the input: whether the field was sent is read from the request.
      if (missing) return { code: 'value_required' };
      return { code: 'value_type_invalid', params: { expected: String(p.expected) } };
    case 'too_small': {
      const min = num(p.minimum);
      if (origin === 'string') return min <= 1 ? { code: 'value_required' } : { code: 'value_too_short', params: { min } };
      if (origin === 'array' || origin === 'set') return { code: 'items_too_few', params: { min } };
      return { code: 'value_too_small', params: { min: p.inclusive === false ? `> ${min}` : min } };
    }
    case 'too_big': {
      const max = num(p.maximum);
      if (origin === 'string') return { code: 'value_too_long', params: { max } };
      if (origin === 'array' || origin === 'set') return { code: 'items_too_many', params: { max } };
      return { code: 'value_too_large', params: { max: p.inclusive === false ? `< ${max}` : max } };
    }
    case 'invalid_format':
      if (p.format === 'email') return { code: 'email_invalid' };
      return { code: 'value_format_invalid', params: { format: String(p.format ?? 'regex') } };
    case 'invalid_value':
      return { code: 'choice_invalid', params: { options: Array.isArray(p.values) ? p.values.map(String).join(', ') : '' } };
    case 'not_multiple_of':
      return { code: 'value_not_multiple', params: { divisor: num(p.divisor) } };
    case 'unrecognized_keys':
      return { code: 'field_unknown', params: { keys: Array.isArray(p.keys) ? p.keys.join(', ') : '' } };
    default:
      // custom refinements (their message says the rule), unions, keys, elements.
      return { code: 'value_invalid', params: { rule: issue.message ?? '' } };
  }
}

/** The value at a validation issue's path in the part of the request it checked (undefined: not sent). */
function valueAt(input: unknown, instancePath: string): unknown {
  let value = input;
  for (const key of instancePath.split('/').filter(Boolean)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * The field error a validation issue means, its path dotted (`billingAddress.postalCode`);
 * `input` is the part of the request the issue is about (the body, the query, the params).
 */
export function fieldErrorOf(issue: ValidationIssue, input: unknown): FieldError {
  const field = issue.instancePath.replace(/^\//, '').replace(/\//g, '.') || 'request';
  const value = valueAt(input, issue.instancePath);
  const { code, params } = ruleOf(issue, value === undefined || value === null);
  return params ? { field, code, params } : { field, code };
}
