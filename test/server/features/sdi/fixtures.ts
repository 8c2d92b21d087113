// SdI receipts as the SdI writes them (MessaggiTypes v1.1, namespace
// http://www.fatturapa.gov.it/sdi/messaggi/v1.0, the types prefix the SdI uses, an enveloped
// signature at the end), hand-written after the Agenzia delle Entrate's published examples.
export const SDI_NS = 'http://www.fatturapa.gov.it/sdi/messaggi/v1.0';

const signature = `<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="Signature1"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>bm90IGEgcmVhbCBkaWdlc3Q=</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>bm90IGEgcmVhbCBzaWduYXR1cmU=</ds:SignatureValue></ds:Signature>`;

export interface ReceiptInput {
  fileName: string;
  messageId: string;
  sdiIdentifier?: string;
  /** DataOraRicezione as the SdI writes it (Italian time, with or without offset). */
  receivedAt?: string;
}

export const rc = (r: ReceiptInput & { deliveredAt?: string }) => `<?xml version="1.0" encoding="UTF-8"?>
<types:RicevutaConsegna xmlns:types="${SDI_NS}" versione="1.0">
  <IdentificativoSdI>${r.sdiIdentifier ?? '4101234567'}</IdentificativoSdI>
  <NomeFile>${r.fileName}</NomeFile>
  <DataOraRicezione>${r.receivedAt ?? '2026-11-25T10:15:00.000+01:00'}</DataOraRicezione>
  <DataOraConsegna>${r.deliveredAt ?? '2026-11-25T10:17:12.000+01:00'}</DataOraConsegna>
  <Destinatario><Codice>M5UXCR</Codice><Descrizione>Studio Bianchi S.r.l.</Descrizione></Destinatario>
  <MessageId>${r.messageId}</MessageId>
  <Note>Consegnata al destinatario</Note>
  ${signature}
</types:RicevutaConsegna>`;

export const ns = (r: ReceiptInput & { errors?: { code: string; description: string; suggestion?: string }[] }) => `<?xml version="1.0" encoding="UTF-8"?>
<types:NotificaScarto xmlns:types="${SDI_NS}" versione="1.0">
  <IdentificativoSdI>${r.sdiIdentifier ?? '4101234567'}</IdentificativoSdI>
  <NomeFile>${r.fileName}</NomeFile>
  <DataOraRicezione>${r.receivedAt ?? '2026-11-25T10:15:00'}</DataOraRicezione>
  <ListaErrori>
${(r.errors ?? [{ code: '00311', description: 'CodiceDestinatario non valido', suggestion: 'Verificare il codice destinatario' }])
  .map((e) => `    <Errore><Codice>${e.code}</Codice><Descrizione>${e.description}</Descrizione>${e.suggestion ? `<Suggerimento>${e.suggestion}</Suggerimento>` : ''}</Errore>`)
  .join('\n')}
  </ListaErrori>
  <MessageId>${r.messageId}</MessageId>
  ${signature}
</types:NotificaScarto>`;

export const mc = (r: ReceiptInput) => `<?xml version="1.0" encoding="UTF-8"?>
<types:NotificaMancataConsegna xmlns:types="${SDI_NS}" versione="1.0">
  <IdentificativoSdI>${r.sdiIdentifier ?? '4101234567'}</IdentificativoSdI>
  <NomeFile>${r.fileName}</NomeFile>
  <DataOraRicezione>${r.receivedAt ?? '2026-11-25T10:15:00.000+01:00'}</DataOraRicezione>
  <Descrizione>Recapito non riuscito: la fattura è a disposizione nell'area riservata del cessionario</Descrizione>
  <MessageId>${r.messageId}</MessageId>
  ${signature}
</types:NotificaMancataConsegna>`;
