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

const CODE = /^[a-z][a-z0-9]*(_[a-z0-9*]+)+$/;

export function domainErrorCodes(root: string): FoundCode[] {
  return errorCodesUnder(root, 'domain');
}

/**
 * Every code server/ sends besides the domain's: the same calls as in domain/, the code argument
 * of `new HttpError(status, code, message)` (any argument that looks like a code), and the literal
 * `code: '…'` of the bodies it sends by hand (zod's `code: 'custom'` issues are not codes it sends).
 */
export function serverErrorCodes(root: string): FoundCode[] {
  return errorCodesUnder(root, 'server', true);
}

function errorCodesUnder(root: string, folder: string, bodies = false): FoundCode[] {
  const found: FoundCode[] = [];
  const defaultInvalid = invalid('x', 'y').code;
  for (const file of sourcesUnder(join(root, folder))) {
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
        else if (bodies && node.expression.text === 'HttpError') add(codeOf(node.arguments?.[1]), node);
      }
      if (
        bodies &&
        ts.isPropertyAssignment(node) &&
        ts.isIdentifier(node.name) &&
        node.name.text === 'code' &&
        (ts.isStringLiteral(node.initializer) || ts.isNoSubstitutionTemplateLiteral(node.initializer)) &&
        CODE.test(node.initializer.text)
      ) {
        add(node.initializer.text, node);
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

const camel = (snake: string) => snake.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());

/**
 * The found codes with each `<thing>_*` replaced by every code it can be: the thing's validator
 * names the rules (bank_reference → BankReferenceRule). A code whose rules are not found is kept
 * with `where` saying so.
 */
export function expandRules(root: string, found: FoundCode[]): { code: string; where: string }[] {
  const rules = validatorRules(root);
  return found.flatMap(({ code, file, line }) => {
    const where = `${file}:${line}`;
    if (!code.includes('*')) return [{ code, where }];
    const [prefix] = code.split('*');
    const values = rules.get(`${camel(prefix!.replace(/_$/, ''))}Rule`);
    if (!values) return [{ code, where: `${where} (no validator rules for ${prefix}*)` }];
    return values.map((rule) => ({ code: code.replace('*', rule.replace(/-/g, '_')), where }));
  });
}
