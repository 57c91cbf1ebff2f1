import type { ConversationDoc } from '@atende/protocol';
import type { DocStore } from '../store/index.js';
import { updateDoc } from '../store/index.js';
import { linkContactToTeam } from '../contacts/teams.js';
import { inTeam } from './summary.js';

const PAGE = 500;

/**
 * Messages carry their conversation's team so replication can filter them. After a transfer to
 * another team they move with it; the former team keeps them only as deletions. The contact
 * follows too: the new team's agents may replicate it from now on (ARCHITECTURE §4).
 */
export async function retagMessages(store: DocStore, conversation: ConversationDoc): Promise<number> {
  await linkContactToTeam(store, { id: conversation.contactId }, conversation.teamId);
  let moved = 0;
  for (;;) {
    const stale = await store.find({
      selector: { type: 'message', conversationId: conversation.id, teamId: { $ne: conversation.teamId } },
      limit: PAGE,
    });
    if (stale.length === 0) return moved;
    const results = await store.bulkWrite(stale.map((m) => inTeam(m, conversation.teamId)));
    for (const [i, result] of results.entries()) {
      const original = stale[i];
      if (result.ok || !original) continue;
      // Written concurrently (a status update): apply the move to the latest revision.
      await updateDoc(store, original._id, (m) => m && inTeam(m, conversation.teamId));
    }
    moved += stale.length;
  }
}
