// The import rules of docs/architecture.md, checked by `npm run lint:imports` (part of the test
// command): imports point down — admin-ui, kiosk, server → projections → domain, events — and
// never in a circle.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'A cycle makes two modules one: neither can be understood, tested or moved alone.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment:
        'domain/ holds the rules every part shares: plain TypeScript and zod (and immutable, persistent collections for folded states), no I/O and nothing of the other folders.',
      from: { path: '^domain/' },
      to: { pathNot: ['^domain/', '^node_modules/(zod|immutable)/'] },
    },
    {
      name: 'events-below-the-apps',
      severity: 'error',
      comment: 'events/ (catalogue, port, adapters) uses domain/ only; the apps use it.',
      from: { path: '^events/' },
      to: { path: '^(server|projections|admin-ui|kiosk)/' },
    },
    {
      name: 'projections-below-the-server',
      severity: 'error',
      comment: 'projections/ imports domain/ and events/, never server/, the console or the kiosk.',
      from: { path: '^projections/' },
      to: { path: '^(server|admin-ui|kiosk)/' },
    },
    {
      name: 'server-is-closed',
      severity: 'error',
      comment: 'Nothing outside server/ imports server/ (tests, benchmarks, the fault suite and scripts drive it).',
      from: { pathNot: '^(server|test|bench|faults|scripts)/' },
      to: { path: '^server/' },
    },
    {
      name: 'console-takes-rules-from-domain',
      severity: 'error',
      comment: 'The console talks to the server over HTTP; roles, methods, event types and formats come from domain/.',
      from: { path: '^admin-ui/' },
      to: { path: '^(server|projections|events|kiosk)/' },
    },
    {
      name: 'kiosk-over-http',
      severity: 'error',
      comment: 'The kiosk talks to the back office over its HTTP API only; the shared rules come from domain/.',
      from: { path: '^kiosk/' },
      to: { path: '^(server|projections|events|admin-ui)/' },
    },
    {
      name: 'console-resources-stand-alone',
      severity: 'error',
      comment: 'A console resource does not import another one; what two share goes to admin-ui/src/components/.',
      from: { path: '^admin-ui/src/resources/([^/]+)/' },
      to: { path: '^admin-ui/src/resources/', pathNot: ['^admin-ui/src/resources/$1/', '^admin-ui/src/resources/types[.]ts$'] },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve is a typo or a missing dependency.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|test-artifacts)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
