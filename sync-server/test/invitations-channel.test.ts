import { describe, expect, it } from 'vitest';
import type { MessageDoc } from '@atende/protocol';
import { getWire } from '../src/store/wire.js';
import { conversationWith, eva, newAddress, reply, server, upstream, useCoreRig } from './channelCoreRig.js';
import { call, clientId, login } from './helpers.js';

/** R-WS-05 on a channel that shows no author: the upstream text names who wrote, the stored text does not. */
useCoreRig();

describe('R-WS-05 identification to the customer on channels without an author display', () => {
  it('R-WS-05 an invitee’s reply reaches the Telegram customer as "Ana Souza: …", the owner’s too while the invitee is there, and not after', async () => {
    const ana = (await login(server, 'ana@demo.local')).accessToken;
    const conversationId = await conversationWith('telegram', newAddress());
    expect((await reply(conversationId, 'Sozinha ainda')).status).toBe(201);
    await server.jobs.idle();
    const invited = await call(server, 'POST', `/api/conversations/${conversationId}/invite`, { token: eva, body: { id: clientId('i'), agentIds: ['user:ana'] } });
    expect(invited.status).toBe(200);
    const byAna = await call<{ message: MessageDoc }>(server, 'POST', `/api/conversations/${conversationId}/messages`, {
      token: ana, body: { id: clientId('m'), text: 'Aqui é a Ana, vou ajudar.' },
    });
    expect(byAna.status).toBe(201);
    await server.jobs.idle();
    expect((await reply(conversationId, 'Obrigada, Ana')).status).toBe(201);
    await server.jobs.idle();
    expect((await call(server, 'POST', `/api/conversations/${conversationId}/leave`, { token: ana, body: {} })).status).toBe(200);
    expect((await reply(conversationId, 'Sigo com você')).status).toBe(201);
    await server.jobs.idle();

    expect(upstream.calls.map((c) => c.text)).toEqual([
      'Sozinha ainda', 'Ana Souza: Aqui é a Ana, vou ajudar.', 'Eva Prado: Obrigada, Ana', 'Sigo com você',
    ]);
    // What the agents read is what they typed.
    expect((await getWire<MessageDoc>(server.store, byAna.body.message.id))?.text).toBe('Aqui é a Ana, vou ajudar.');
  });
});
