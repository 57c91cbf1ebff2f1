// @ts-check
import path from 'node:path';

/**
 * Layers of the sync server, one direction (ARCHITECTURE §1): a folder may import only folders of
 * a strictly lower rank, so no two folders can ever import each other, directly or in a circle.
 * Files named routes.ts (or <name>Routes.ts, a second router of a folder) are HTTP edges wherever
 * they live; server.ts and main.ts compose it all.
 */
export const SERVER_LAYERS = {
  config: 0,
  store: 1,
  bus: 1,
  // Issue 14: backups (R-OPS-04) read the store's database underneath the drivers; only config below.
  backup: 1,
  // Issue 15: the one rule for connections to addresses others chose (SSRF): channels' downloads, outgoing webhooks.
  egress: 1,
  jobs: 2,
  // Issue 19: the access audit (LGPD) is appended to from every layer above (users, privacy, edges); it imports only the store.
  audit: 2,
  // Issue 15: outgoing e-mail (password links, R-AUTH-02) over nodemailer; it imports only config.
  mail: 2,
  // Issue 14: logs, metrics and readiness (R-OPS-05) read the store, the bus and job documents; the HTTP edge mounts them.
  observability: 3,
  access: 3,
  auth: 3,
  // Issue 15: organisation settings (the sign-in network allow-list, R-AUTH-03); auth asks it through a guard set in server.ts.
  settings: 3,
  channelAccounts: 4,
  contacts: 4,
  media: 4,
  conversations: 5,
  search: 5,
  // Issue 13: the internal chat (R-WS-12) uses access and the store.
  internalChat: 5,
  // Issue 15: content (R-RT-05) — tags, predefined messages (their files: media), dispositions, articles.
  content: 5,
  // Issue 15: the users' administration (R-AUTH-01) uses auth (sessions, unlock) and the store.
  users: 4,
  // Issue 13: the profile (R-WS-11) uses auth, media and the store.
  profile: 5,
  // Issue 15: teams (R-RT-01/02) move channel accounts between entry teams (channelAccounts) and edit members' user documents.
  teams: 5,
  // Issue 13: tickets and click-to-call (R-WS-14, R-WS-16) use conversations, contacts and jobs.
  tickets: 6,
  telephony: 6,
  // Issue 15: API tokens (R-RT-05) use auth (hashes), channel accounts, contacts, search and the conversations' inbound and send paths; their public API routes are edges.
  apiTokens: 6,
  // Issue 13: pauses (R-WS-09) write the user with an outbox job (conversations/outbox), run a job, end at sign-out (auth).
  pauses: 6,
  // Issue 15: routing (R-RT-01…03) — hours, session timeouts, distribution — finishes and claims through conversations, runs periodic rounds.
  routing: 6,
  // Issue 15: chatbot flows (R-RT-04) answer by job and hand conversations off through conversations/.
  flows: 6,
  // Issue 15: outgoing webhooks (R-RT-05) follow the store's change feed and deliver as jobs, to public addresses only (egress).
  outgoingWebhooks: 6,
  // Issue 16: reports (R-RT-06) keep rollups from the change feed and resolve names of teams (5), users and channels.
  reports: 6,
  // Issue 18: customer ratings after finish ask and record through conversations (outgoing messages, the outbox write); channels' inbound and the edges call them.
  ratings: 6,
  // Issue 15: the demo seed creates its organisation through the admin services, flows (6) included.
  demo: 7,
  // Issue 15: the administration's wiring (users, settings, teams, content, routing, flows, API tokens, outgoing webhooks) for server.ts.
  administration: 7,
  // Issue 19: privacy (LGPD) — erasure, export, retention — reads contacts, conversations, media and freezes report facts (6); its jobs and routes are edges.
  privacy: 7,
  sync: 7,
  realtime: 7,
  http: 8,
  // Issue 14: the graceful drain (SIGTERM) stands in front of the HTTP app and the sockets; it imports no other folder.
  lifecycle: 8,
  // Issue 16: supervisor actions on agents (R-SV-04) end pauses (6) and close the agent's sockets (realtime, 7).
  supervision: 8,
  channels: 9,
};
const EDGE_FILE_RANK = 10;
const ROOT_RANK = 11;

/** @param {string} file @param {string} root */
function placeOf(file, root) {
  const relative = path.relative(root, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  const [folder, ...rest] = relative.split(path.sep);
  if (!folder || rest.length === 0) return { folder: '.', rank: ROOT_RANK };
  if (/^(routes|[a-z]\w*Routes)\.ts$/.test(path.basename(file))) return { folder, rank: EDGE_FILE_RANK };
  const rank = /** @type {Record<string, number>} */ (SERVER_LAYERS)[folder];
  return { folder, rank: rank ?? -1 };
}

/** @type {import('eslint').Rule.RuleModule} */
const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'sync-server folders import only lower layers (no cycles between folders)' },
    schema: [{ type: 'object', properties: { root: { type: 'string' } }, additionalProperties: false }],
    messages: {
      upward: '{{from}} (layer {{fromRank}}) may not import {{to}} (layer {{toRank}}): dependencies run edges → domain → store (ARCHITECTURE §1).',
      unknown: 'Folder {{folder}} has no layer: add it to SERVER_LAYERS in eslint/layers.js.',
    },
  },
  create(context) {
    const root = path.resolve(context.options[0]?.root ?? 'sync-server/src');
    const file = context.filename;
    const from = placeOf(file, root);
    if (!from) return {};
    /** @param {import('estree').Node} node @param {unknown} source */
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = path.resolve(path.dirname(file), source).replace(/\.js$/, '.ts');
      const to = placeOf(target, root);
      if (!to || to.folder === from.folder) return;
      if (to.rank < 0) return context.report({ node, messageId: 'unknown', data: { folder: to.folder } });
      if (from.rank < 0) return context.report({ node, messageId: 'unknown', data: { folder: from.folder } });
      if (to.rank >= from.rank) {
        context.report({
          node,
          messageId: 'upward',
          data: { from: from.folder, fromRank: String(from.rank), to: to.folder, toRank: String(to.rank) },
        });
      }
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => check(node, node.source?.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => check(node, node.source.type === 'Literal' ? node.source.value : undefined),
    };
  },
};

export default { rules: { layers: layersRule } };
