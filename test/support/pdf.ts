import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './tmp';

/** The text of a PDF, as poppler's pdftotext reads it (layout kept, so columns stay on one line). */
export function pdfText(pdf: Buffer): string {
  const dir = tempDir('pdf-');
  try {
    const file = join(dir.path, 'doc.pdf');
    writeFileSync(file, pdf);
    return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  } finally {
    dir.remove();
  }
}

export function pdfPageCount(pdf: Buffer): number {
  const dir = tempDir('pdf-');
  try {
    const file = join(dir.path, 'doc.pdf');
    writeFileSync(file, pdf);
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    return Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
  } finally {
    dir.remove();
  }
}
