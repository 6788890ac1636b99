/*
 * The layering of docs/architecture.md, checked in CI (npm run lint:deps).
 * Ground floor: src/common, src/config, src/database, src/events, src/redis, src/observability, src/outbox (the
 * events a statement writes for offline reach) and src/queue (the durable job queue).
 * Cross-cutting guards: src/rate-limits (features mark routes with its decorator).
 * Features: src/users, src/attachments (files; messages attach them, so it sits below messages), src/messages,
 * src/chats, src/auth, src/health, src/moderation (it builds on users and messages, and no feature builds on it),
 * and src/accounts on top of them all.
 * Above them: src/realtime (listens to the features' events), src/notifications (offline reach: drains the
 * outbox into jobs, asks realtime who is connected) and the composition
 * files at src/ (app.module, app.setup, main, server, workers, data-source-options, and the entry-point
 * scripts write-openapi and check-breaking), which build on src/docs (the documents createApp serves).
 */
const GROUND = '^src/(common|config|database|events|redis|observability|outbox|queue)/';
const FEATURES = '^src/(users|attachments|messages|chats|auth|health|moderation|accounts)/';
const COMPOSITION = '^src/[^/]+\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes two modules one; break it by moving the shared piece down a layer.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'ground-floor-imports-no-feature',
      severity: 'error',
      comment: 'The ground floor sits below every feature: it may not know any of them.',
      from: { path: GROUND },
      to: { path: [FEATURES, '^src/rate-limits/', '^src/realtime/', '^src/notifications/', '^src/docs/', COMPOSITION] },
    },
    {
      name: 'common-is-the-lowest-floor',
      severity: 'error',
      comment:
        'src/common/ (the error shape, validation, caller identity) sits under the rest of the ground floor: a constant two floors share lives here, not above.',
      from: { path: '^src/common/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^src/(config|database|events|redis|observability)/' },
    },
    {
      name: 'features-never-import-realtime',
      severity: 'error',
      comment: 'Features publish events after commit; realtime/ listens. Never the other way round.',
      from: { path: [FEATURES, GROUND, '^src/rate-limits/'] },
      to: { path: '^src/realtime/' },
    },
    {
      name: 'only-the-composition-imports-notifications',
      severity: 'error',
      comment: 'Offline reach sits at the top beside realtime: features write the outbox, never call it.',
      from: { path: '^src/', pathNot: ['^src/notifications/', COMPOSITION] },
      to: { path: '^src/notifications/' },
    },
    {
      name: 'nothing-imports-the-composition',
      severity: 'error',
      comment:
        'The composition files assemble the app; only the entry points (and their scripts: the spec writer, CLIs) and tests build on them. src/docs/ is below them: createApp serves what it builds.',
      from: { path: '^src/', pathNot: COMPOSITION },
      to: { path: COMPOSITION },
    },
    {
      name: 'users-is-the-lowest-feature',
      severity: 'error',
      comment: 'auth, messages and chats build on users (as in the NestJS auth sample); users builds on none.',
      from: { path: '^src/users/' },
      to: { path: '^src/(auth|messages|chats|health|attachments)/' },
    },
    {
      name: 'attachments-below-messages',
      severity: 'error',
      comment: 'A send attaches uploads and a delete takes them in the messages’ own statements; files know no message code.',
      from: { path: '^src/attachments/' },
      to: { path: '^src/(messages|chats|auth|blocks|moderation|accounts)/' },
    },
    {
      name: 'messages-below-chats-and-auth',
      severity: 'error',
      from: { path: '^src/messages/' },
      to: { path: '^src/(auth|chats|health)/' },
    },
    {
      name: 'chats-and-auth-are-siblings',
      severity: 'error',
      comment: 'Neither reaches into the other; what they share lives in users/ or the ground floor.',
      from: { path: '^src/(chats|auth)/' },
      to: { path: '^src/(auth|chats)/', pathNot: '^src/$1/' },
    },
    {
      name: 'moderation-is-the-top-feature',
      severity: 'error',
      comment: 'Moderation acts through users and messages (a moderator delete is MessagesService’s); they never call it.',
      from: { path: '^src/(users|messages|chats|auth|health)/' },
      to: { path: '^src/moderation/' },
    },
    {
      name: 'accounts-is-the-top-feature',
      severity: 'error',
      comment: 'Deleting or exporting an account touches every feature\'s data, so accounts/ builds on them; none builds on it.',
      from: { path: FEATURES, pathNot: '^src/accounts/' },
      to: { path: '^src/accounts/' },
    },
    {
      name: 'guards-and-health-stand-alone',
      severity: 'error',
      comment: 'The rate-limit guard and the health checks know no feature.',
      from: { path: '^src/(health|rate-limits)/' },
      to: { path: FEATURES, pathNot: '^src/$1/' },
    },
    {
      name: 'app-never-imports-tests-or-bench',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'no-orphans',
      severity: 'error',
      comment: 'A file nothing imports is dead (entry points, specs and configs aside).',
      from: {
        orphan: true,
        pathNot: ['\\.d\\.ts$', '\\.spec\\.ts$', '\\.e2e-spec\\.ts$', '^src/main\\.ts$', '^src/cli\\.ts$', '^ormconfig\\.ts$', '^src/write-openapi\\.ts$', '^bench/(run|explain|http-floor|export|notifications)\\.ts$', '^test/support/(global-setup|global-teardown|e2e-env)\\.'],
      },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    exclude: { path: ['^(dist|dist-bench|node_modules|coverage)/', '^clients/typescript/src/generated/'] },
  },
};
