// The FatturaPA file name lives in domain/ (the read models store it, the SdI's receipts name it).
export { fatturaPaFileName, progressivoOf, type FiscalDocumentKind } from '../../../../domain/invoicing/fatturaPaFileName';
