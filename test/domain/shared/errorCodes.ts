// Every error code domain/ can throw, read from its sources with the TypeScript parser: the code
// argument of refuse(), conflict(), invalid() (its third argument; invalid()'s default when there
// is none), notFound() (`<what>_not_found`) and of every `new …Error(…)`/`new …Refusal(…)` whose
// first argument is a code. A code built in a template literal (`codice_fiscale_${rule}`) is
// reported with `*` where the value goes, and the values it can take (the validators' rules) are
// listed from the union types that name them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { invalid } from '../../../domain/shared/errors';

export interface FoundCode {
  code: string;
  file: string;
  line: number;
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourcesUnder(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The code an argument names: a string, or a template with `*` for each substitution. */
function codeOf(node: ts.Expression | undefined): string | null {
  if (!node) return null;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return node.head.text + node.templateSpans.map((s) => `*${s.literal.text}`).join('');
  return null;
}

export function domainErrorCodes(root: string): FoundCode[] {
  const found: FoundCode[] = [];
  const defaultInvalid = invalid('x', 'y').code;
  for (const file of sourcesUnder(join(root, 'domain'))) {
    // errors.ts defines the helpers (notFound builds `${what}_not_found`): their callers name the codes.
    if (file.endsWith(join('shared', 'errors.ts'))) continue;
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const add = (code: string | null, node: ts.Node) => {
      if (code !== null) found.push({ code, file: file.slice(root.length + 1), line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
    };
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
        const [first, , third] = node.arguments;
        switch (node.expression.text) {
          case 'refuse':
          case 'conflict':
            add(codeOf(first), node);
            break;
          case 'invalid':
            add(third ? codeOf(third) : defaultInvalid, node);
            break;
          case 'notFound': {
            const what = codeOf(first);
            add(what === null ? null : `${what}_not_found`, node);
            break;
          }
        }
      }
      if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && /(Error|Refusal)$/.test(node.expression.text)) {
        const code = codeOf(node.arguments?.[0]);
        // A plain Error's message is not a code: only a string without spaces is.
        if (code !== null && !/\s/.test(code)) add(code, node);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

/** The values of the union types that name a validator's rules (`type PartitaIvaRule = 'format' | …`). */
export function validatorRules(root: string): Map<string, string[]> {
  const rules = new Map<string, string[]>();
  for (const file of sourcesUnder(join(root, 'domain', 'shared'))) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    source.forEachChild((node) => {
      if (ts.isTypeAliasDeclaration(node) && node.name.text.endsWith('Rule') && ts.isUnionTypeNode(node.type)) {
        const values = node.type.types.flatMap((t) => (ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal) ? [t.literal.text] : []));
        rules.set(node.name.text, values);
      }
    });
  }
  return rules;
}
