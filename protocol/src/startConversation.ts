import { z } from 'zod';
import { ChannelAccountView } from './channels.js';
import { ClientId, Id, type ChannelKind, type UserDoc } from './documents.js';

/**
 * Agent-started conversations (R-WA-01…04, R-WA-09, R-WS-07/08). Only channels whose upstream lets
 * a business write first can start one: today WhatsApp (with an approved template, R-WA-05).
 */
export const STARTABLE_CHANNELS: readonly ChannelKind[] = ['whatsapp'];
export const canStartOn = (kind: ChannelKind) => STARTABLE_CHANNELS.includes(kind);

/**
 * R-AUTH-01: whether the user may start conversations with customers ("Nova conversa"). An admin
 * withholds it per agent (`permissions.startConversations: false`); absent means allowed;
 * supervisors and admins always may.
 */
export const mayStartConversations = (
  user: Pick<UserDoc, 'role'> & { permissions?: { startConversations?: boolean | undefined } | undefined },
): boolean => user.role !== 'agent' || user.permissions?.startConversations !== false;
export const START_WITHHELD_MESSAGE = 'Você não tem permissão para iniciar conversas. Peça a um administrador.';

/** `POST /api/conversations`: the destination as the agent typed it; the server normalises it. */
export const StartConversationBody = z.strictObject({
  /** Client command id: a repeat answers the conversation the first attempt opened. */
  id: ClientId,
  teamId: Id,
  channelAccountId: Id,
  /** Brazilian form (area code + number; 55 is added), or `+<country><number>`. */
  to: z.string().trim().min(1).max(32),
});
export type StartConversationBody = z.infer<typeof StartConversationBody>;

/**
 * A channel account as agents see it (`GET /api/channels`): no settings, no secrets; only
 * accounts whose team is one of the agent's (every one for supervisors and admins).
 */
export const AgentChannel = ChannelAccountView.pick({ id: true, kind: true, name: true, teamId: true }).extend({
  /** WhatsApp: the origin number, E.164 digits, shown on cards and headers (R-WS-02). */
  displayPhoneNumber: z.string().nullable(),
  /** Whether "Nova conversa" can use it. */
  canStart: z.boolean(),
  /** Messenger/Instagram: replies may go with the HUMAN_AGENT tag up to 7 days (replyWindow.ts). */
  humanAgentTag: z.boolean().default(false),
});
export type AgentChannel = z.infer<typeof AgentChannel>;
export const AgentChannelsResponse = z.object({ channels: z.array(AgentChannel) });


/** `channelMeta` key of a conversation: the origin number (display form digits) it came through. */
export const ORIGIN_NUMBER_META = 'originNumber';
