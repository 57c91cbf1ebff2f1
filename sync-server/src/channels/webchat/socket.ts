import { UNAUTHENTICATED_CLOSE, VisitorFrame } from '@atende/protocol';
import type { RawData, WebSocket } from 'ws';
import type { InboundService } from '../../conversations/inbound.js';
import type { AgentHub } from '../../realtime/hub.js';
import { keepAlive, MAX_FRAME_BYTES, parseFrame, sendFrame } from '../../realtime/socket.js';
import { gateFrames, relayChanges, VISITOR_FRAMES } from '../../realtime/throttle.js';
import type { VisitorSockets } from './visitorSockets.js';
import type { Visitor, VisitorService } from './visitors.js';

/**
 * Frames a visitor may send before its token is checked: the widget sends typing as soon as the
 * socket opens, and the check takes a store read. They are held and handled in order once the
 * visitor is known; past this bound each one is answered with an error (never dropped silently).
 */
export const MAX_EARLY_FRAMES = 20;

/** `/ws/webchat?token=…`: agent messages and typing out, the visitor's typing in. */
export async function acceptVisitorSocket(
  ws: WebSocket,
  token: string | undefined,
  deps: { visitors: VisitorService; inbound: InboundService; delivery: VisitorSockets; hub: AgentHub; pingIntervalMs: number },
): Promise<void> {
  ws.on('error', () => ws.terminate());
  const early: Array<[RawData, boolean]> = [];
  const holdEarly = (data: RawData, isBinary: boolean) => {
    if (early.length < MAX_EARLY_FRAMES) early.push([data, isBinary]);
    else sendFrame(ws, { type: 'error', code: 'not_ready', message: 'Too many frames before the connection was ready; send again' });
  };
  ws.on('message', holdEarly);
  let visitor: Visitor | undefined;
  try {
    visitor = await deps.visitors.authenticate(token);
  } catch {
    // A store failure must not become an unhandled rejection; the widget reconnects later.
    sendFrame(ws, { type: 'error', code: 'unavailable', message: 'Try again shortly' });
    ws.close(1011, 'unavailable');
    return;
  }
  if (!visitor) {
    sendFrame(ws, { type: 'error', code: 'unauthenticated', message: 'A visitor token is required' });
    ws.close(UNAUTHENTICATED_CLOSE, 'unauthenticated');
    return;
  }
  // Closed while the token was checked: attaching now would keep a dead socket (and count it
  // as a reached visitor) forever, since its close event has already fired.
  if (ws.readyState !== ws.OPEN) return;
  const account = visitor.account;
  const contactId = visitor.contactId;
  keepAlive(ws, deps.pingIntervalMs);
  deps.delivery.attach(contactId, ws);
  sendFrame(ws, { type: 'welcome', visitorId: visitor.visitorId });
  // Typing costs a store lookup: only changes are relayed, one lookup in flight per socket.
  const relayTyping = relayChanges((typing) =>
    deps.inbound.openConversationOf(account._id, contactId).then((conversation) => {
      if (conversation) deps.hub.customerTyping(conversation, typing);
      return conversation !== undefined;
    }),
  );
  const handle = gateFrames(ws, VISITOR_FRAMES, (data, isBinary) => {
    if (isBinary || data.toString().length > MAX_FRAME_BYTES) {
      return sendFrame(ws, { type: 'error', code: 'invalid_frame', message: 'Text JSON frames only' });
    }
    const parsed = parseFrame(VisitorFrame, Buffer.from(data.toString()));
    if (!parsed.ok) return sendFrame(ws, { type: 'error', code: parsed.code, message: parsed.message });
    const frame = parsed.frame;
    if (frame.type === 'ping') return sendFrame(ws, { type: 'pong' });
    if (frame.type === 'typing') relayTyping(frame.typing);
  });
  ws.off('message', holdEarly);
  ws.on('message', handle);
  for (const [data, isBinary] of early.splice(0)) handle(data, isBinary);
}
