import { allowed, mayReleaseFromBot, oversees, type Actor, type ConversationDoc } from '@atende/protocol';

/**
 * What a supervisor may do to a conversation they watch (R-SV-04): the agents' own commands under
 * the protocol's one rule (`allowed`, which the server enforces), so a button is enabled exactly
 * when the server would accept it; releasing from the bot is the team's overseer's (`oversees`).
 * A disabled action says why, in words, rather than just greying out.
 */
export type SupervisedAction = 'transfer' | 'returnToQueue' | 'finish' | 'release';
export const SUPERVISED_ACTIONS: readonly SupervisedAction[] = ['release', 'transfer', 'returnToQueue', 'finish'];

/** Why an action is off; each has its sentence under `supervision.reason.*`. */
export type BlockedReason = 'unknown' | 'finished' | 'notYourTeam' | 'inBot' | 'notActive' | 'notInBot' | 'notAllowed';

export type ActionState = { enabled: true } | { enabled: false; reason: BlockedReason };

const ON: ActionState = { enabled: true };
const off = (reason: BlockedReason): ActionState => ({ enabled: false, reason });

/** The most telling reason an action the rule refuses is off. */
function refusal(me: Actor, action: SupervisedAction, c: ConversationDoc): BlockedReason {
  if (c.status === 'finished') return 'finished';
  if (me.role !== 'agent' && !oversees(me, c.teamId)) return 'notYourTeam';
  if (action === 'release') return 'notInBot';
  if (action === 'returnToQueue' && c.status !== 'active') return 'notActive';
  return 'notAllowed';
}

/**
 * Each action's state. A contact still with the bot is released (to a team's queue) before anything
 * else: the agents' commands are for conversations people hold or wait for. Without the conversation
 * (not in this machine's replica: only its messages came from the server) nothing is offered.
 */
export function supervisedActions(me: Actor | undefined, c: ConversationDoc | undefined): Record<SupervisedAction, ActionState> {
  const state = (action: SupervisedAction): ActionState => {
    if (!me || !c) return off('unknown');
    if (action === 'release') {
      return mayReleaseFromBot(me, c) && oversees(me, c.teamId) ? ON : off(refusal(me, action, c));
    }
    if (c.status === 'bot') return off(oversees(me, c.teamId) ? 'inBot' : 'notYourTeam');
    return allowed(me, action, c) ? ON : off(refusal(me, action, c));
  };
  return { transfer: state('transfer'), returnToQueue: state('returnToQueue'), finish: state('finish'), release: state('release') };
}

/** How long the conversation has lasted: from its creation to its end, or to now while open. */
export const supervisedDuration = (c: Pick<ConversationDoc, 'createdAt' | 'finishedAt'>, now: number): number =>
  Math.max(0, (c.finishedAt ?? now) - c.createdAt);
