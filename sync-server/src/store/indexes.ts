/**
 * The store's Mango indexes, created at start-up (server.ts). Queries that must not be left to
 * the planner name theirs through these constants: PouchDB may pick any index led by a selector's
 * first field, and one led by `type` reads every document of that type.
 */
/** Open conversations by when they last changed (sync/openPhase.ts, the queue notice). */
export const STATUS_CHANGED_INDEX = 'idx-status-changed';
/** Contacts by WhatsApp number (contacts/directory.ts). */
export const WHATSAPP_ADDRESS_INDEX = 'idx-whatsapp-address';

export const INDEXES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['idx-credential-email', ['type', 'email']],
  ['idx-conversation-agent', ['type', 'agentId', 'status']],
  ['idx-conversation-contact', ['type', 'contactId']],
  ['idx-message-conversation', ['type', 'conversationId']],
  // Not led by `type`: PouchDB's planner may pick any index led by a selector's first field, and
  // these hold only documents that have the second field, which would hide every other type.
  ['idx-external-id', ['externalId']],
  [STATUS_CHANGED_INDEX, ['status', 'changedAt']],
  [WHATSAPP_ADDRESS_INDEX, ['addresses.whatsapp']],
];
