import type { Attachment } from '@atende/protocol';

/** The line a conversation card shows for its latest message: its text, else its first file's name. */
export function previewOf(message: { text: string; attachments?: readonly Pick<Attachment, 'name'>[] | undefined }): string {
  const text = message.text || message.attachments?.[0]?.name || '';
  return text.length > 140 ? `${text.slice(0, 139)}…` : text;
}
