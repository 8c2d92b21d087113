// Inputs of the back office's forms: euro amounts typed the Italian way (kept as text in the form,
// turned into cents exactly by the form's transform with toCents), and the validators they share.
import { TextInput, type TextInputProps, type Validator } from 'react-admin';
import { parseEuro } from '../money';

/** Valid when the text is an amount in euros of more than zero cents (or empty, when not required). */
export const euroAmount =
  (options: { allowZero?: boolean } = {}): Validator =>
  (value: unknown) => {
    if (value === undefined || value === null || value === '') return undefined;
    const parsed = parseEuro(String(value));
    if (!parsed.ok) {
      return parsed.reason === 'decimals'
        ? 'app.validation.money_decimals'
        : parsed.reason === 'negative'
          ? 'app.validation.money_positive'
          : parsed.reason === 'too_large'
            ? 'app.validation.money_too_large'
            : 'app.validation.money_format';
    }
    if (parsed.cents === 0 && !options.allowZero) return 'app.validation.money_positive';
    return undefined;
  };

/** An amount in euros: `33,00`. The form holds the text; transform it with toCents. */
export function MoneyInput({ validate, ...props }: TextInputProps & { allowZero?: boolean }) {
  const { allowZero, ...rest } = props as TextInputProps & { allowZero?: boolean };
  const validators = [euroAmount({ allowZero }), ...(Array.isArray(validate) ? validate : validate ? [validate] : [])];
  return (
    <TextInput
      {...rest}
      validate={validators}
      helperText={props.helperText ?? 'app.help.money'}
      slotProps={{ htmlInput: { inputMode: 'decimal', autoComplete: 'off' } }}
    />
  );
}

/** A codice fiscale as people type it (the server checks it and answers on the field). */
export const codiceFiscaleFormat: Validator = (value: unknown) =>
  typeof value === 'string' && value.trim() !== '' && !/^[A-Za-z0-9]{16}$/.test(value.replace(/\s+/g, ''))
    ? 'app.validation.codice_fiscale'
    : undefined;
