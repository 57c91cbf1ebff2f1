import type { UserDoc } from '@atende/protocol';
import type { ChangeRow } from '../store/index.js';
import type { Presence } from './presence.js';

/**
 * Presence follows the pause on the user document (R-WS-09). The document is the truth: the pause
 * commands write it on any node and it outlives a restart; the live status only mirrors it, so
 * colleagues see 'paused' while the user is connected and 'offline' once they are not.
 */

/** The status a socket starts with at hello: paused when the user document says so, also after a restart. */
export const statusAtHello = (user: Pick<UserDoc, 'pause'>): 'online' | 'paused' => (user.pause ? 'paused' : 'online');

/** A changed user row moves a connected user between online and paused; an offline user stays offline. */
export function followPause(presence: Presence, row: ChangeRow): void {
  const paused = !row.deleted && !!row.doc.pause;
  const status = presence.statusOf(row.id);
  if (paused ? status === 'online' : status === 'paused') presence.setStatus(row.id, paused ? 'paused' : 'online');
}

/**
 * A pause has a type and starts through `POST /api/me/pause`: the `presence.set` frame no longer
 * makes an untyped one, nor ends a typed one; 'online' stays for clients that send it. Answers the
 * error frame's code and message, or undefined when the frame may set 'online'.
 */
export function presenceSetRefusal(user: Pick<UserDoc, 'pause'>, status: 'online' | 'paused'): { code: string; message: string } | undefined {
  if (status === 'paused') return { code: 'pause_needs_type', message: 'Start a pause with POST /api/me/pause {typeId}' };
  if (user.pause) return { code: 'paused', message: 'End the pause with DELETE /api/me/pause' };
  return undefined;
}
