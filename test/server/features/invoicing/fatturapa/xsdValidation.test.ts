import { describe, expect, it } from 'vitest';
import { validateAgainstFatturaPaSchema } from '../../../../../server/features/invoicing/fatturapa/xsdValidation';

// The valid documents are the generated ones (fatturaXml.test.ts); here, what the validator refuses.
describe('FatturaPA schema validation through xmllint', () => {
  it('refuses a document that is not a FatturaElettronica, saying why', async () => {
    const verdict = await validateAgainstFatturaPaSchema('<?xml version="1.0"?><Fattura/>');
    expect(verdict.valid).toBe(false);
    if (!verdict.valid) expect(verdict.errors.join('\n')).toMatch(/Element 'Fattura': No matching global declaration/);
  });

  it('refuses a FatturaElettronica missing its header and body, naming the missing element', async () => {
    const verdict = await validateAgainstFatturaPaSchema(
      '<p:FatturaElettronica xmlns:p="http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2" versione="FPR12"/>',
    );
    expect(verdict.valid).toBe(false);
    if (!verdict.valid) expect(verdict.errors.join('\n')).toMatch(/FatturaElettronicaHeader/);
  });

  it('refuses a document that is not well formed, with the line', async () => {
    const verdict = await validateAgainstFatturaPaSchema('<p:FatturaElettronica\n<oops');
    expect(verdict.valid).toBe(false);
    if (!verdict.valid) expect(verdict.errors[0]).toMatch(/^line \d+: parser error/);
  });
});
