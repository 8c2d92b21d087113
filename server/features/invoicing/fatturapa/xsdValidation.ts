// Validation of a FatturaPA file against the official schema (./schema, v1.2.2) by a real XML
// schema validator: libxml2's `xmllint` (Debian libxml2-utils), run as a child process with the
// XML on stdin. Chosen over a native Node binding (libxmljs2-xsd) because it needs no compilation
// here, is the validator most FatturaPA tools document, and a crash in it cannot take the server
// down. `--nonet` keeps it from ever reaching for a schema on the network.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const FATTURAPA_SCHEMA_PATH = fileURLToPath(new URL('./schema/Schema_VFPR12_v1.2.2.xsd', import.meta.url));

export type SchemaVerdict = { valid: true } | { valid: false; errors: string[] };

/** Thrown when the validator itself cannot run (not installed, killed): not a verdict on the XML. */
export class SchemaValidatorUnavailable extends Error {
  override readonly name = 'SchemaValidatorUnavailable';
}

const TIMEOUT_MS = 20_000;

/**
 * Validates `xml` against the FatturaPA schema. xmllint exits 0 when valid, 3 or 4 when the
 * document breaks the schema or is not well formed (its messages on stderr, one per line, with
 * `-:` standing for stdin); anything else means it could not do its job.
 */
export function validateAgainstFatturaPaSchema(xml: string | Buffer): Promise<SchemaVerdict> {
  return new Promise((resolve, reject) => {
    const child = spawn('xmllint', ['--noout', '--nonet', '--schema', FATTURAPA_SCHEMA_PATH, '-'], {
      stdio: ['pipe', 'ignore', 'pipe'],
      timeout: TIMEOUT_MS,
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 64_000) stderr += chunk;
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        new SchemaValidatorUnavailable(
          error.code === 'ENOENT' ? 'xmllint is not installed (Debian package libxml2-utils)' : `xmllint could not run: ${error.message}`,
        ),
      );
    });
    child.on('close', (code, signal) => {
      if (code === 0) return resolve({ valid: true });
      if (code === 3 || code === 4 || code === 1) {
        const errors = stderr
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l.length > 0 && !/validation failed$|fails to validate$/.test(l))
          .map((l) => l.replace(/^-:/, 'line '));
        return resolve({ valid: false, errors: errors.length > 0 ? errors : ['the document does not validate'] });
      }
      reject(new SchemaValidatorUnavailable(`xmllint stopped (${signal ?? `exit ${code}`}): ${stderr.trim().slice(0, 500)}`));
    });
    // A validator that dies early closes stdin: the verdict comes from 'close', not from EPIPE.
    child.stdin.on('error', () => {});
    child.stdin.end(xml);
  });
}
