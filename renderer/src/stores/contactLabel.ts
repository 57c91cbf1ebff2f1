import { formatPhoneNumber, type ContactDoc } from '@atende/protocol';

/**
 * How a contact is named on cards and headers: its name when known, else its WhatsApp number as
 * it reads (`+55 11 91234-5678`: an agent-started conversation's new contact, R-WA-10), else its
 * web chat id; undefined until the contact has replicated. Pure, apart from the store, so it is
 * tested without a database.
 */
export function contactLabel(contact: Pick<ContactDoc, 'name' | 'addresses'> | undefined): string | undefined {
  const whatsapp = contact?.addresses.whatsapp;
  return contact?.name || (whatsapp ? formatPhoneNumber(whatsapp) : undefined) || contact?.addresses.webchat || undefined;
}
