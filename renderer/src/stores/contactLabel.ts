import { formatPhoneNumber, type ChannelKind, type ContactDoc } from '@atende/protocol';
import { i18n } from '../i18n';

/**
 * Channels whose customer has no readable address (an app-scoped id): until the server fetches the
 * profile (Messenger/Instagram) the contact has no name, and an id would mean nothing to the agent.
 */
const UNNAMED_CHANNELS = ['messenger', 'instagram', 'telegram'] as const satisfies readonly ChannelKind[];
export type UnnamedChannel = (typeof UNNAMED_CHANNELS)[number];

/** "Cliente do Messenger" and the like; pt-BR wording from the locale files. */
const unnamedLabel = (channel: UnnamedChannel): string => i18n.global.t(`sessions.unnamed.${channel}`);

/**
 * How a contact is named on cards and headers: its name when known, else its WhatsApp number as
 * it reads (`+55 11 91234-5678`: an agent-started conversation's new contact, R-WA-10), else
 * "Cliente do Messenger/Instagram/Telegram" (a profile not fetched yet, R-CH-01), else its web
 * chat id; undefined until the contact has replicated. Pure apart from the translations, so it is
 * tested without a database.
 */
export function contactLabel(
  contact: Pick<ContactDoc, 'name' | 'addresses'> | undefined,
  unnamed: (channel: UnnamedChannel) => string = unnamedLabel,
): string | undefined {
  if (!contact) return undefined;
  if (contact.name) return contact.name;
  const whatsapp = contact.addresses.whatsapp;
  if (whatsapp) return formatPhoneNumber(whatsapp);
  const channel = UNNAMED_CHANNELS.find((kind) => contact.addresses[kind]);
  if (channel) return unnamed(channel);
  return contact.addresses.webchat || undefined;
}
