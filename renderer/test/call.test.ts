import { describe, expect, it } from 'vitest';
import { callAction, callReasonOf } from '../src/components/call/callAction';

/** R-WS-16 on the workstation: what the call button does for a contact under each telephony setting. */
const maria = { addresses: { whatsapp: '5511987654321' } };
const hidden = { addresses: { whatsapp: 'BR.13491208655302741918' } };

describe('R-WS-16 call button', () => {
  it('R-WS-16 by default the button is a tel: link with the contact’s number in E.164', () => {
    expect(callAction({ mode: 'uri', scheme: 'tel', sipDomain: null }, { extension: null }, maria)).toEqual({
      kind: 'uri', href: 'tel:+5511987654321', number: '5511987654321',
    });
  });

  it('R-WS-16 with a SIP handler the link is sip:<digits>@<domain>', () => {
    expect(callAction({ mode: 'uri', scheme: 'sip', sipDomain: 'pbx.example.com' }, undefined, maria)).toMatchObject({
      kind: 'uri', href: 'sip:5511987654321@pbx.example.com',
    });
  });

  it('R-WS-16 with a click-to-call service the button asks the server, only when the agent has an extension', () => {
    const http = { mode: 'http' as const, scheme: 'tel' as const, sipDomain: null };
    expect(callAction(http, { extension: '2001' }, maria)).toEqual({ kind: 'http', number: '5511987654321' });
    expect(callAction(http, { extension: null }, maria)).toEqual({ kind: 'refused', reason: 'agent_without_extension' });
  });

  it('R-WS-16 a contact without a phone (or one hiding it behind a WhatsApp user id) disables it with the reason', () => {
    const uri = { mode: 'uri' as const, scheme: 'tel' as const, sipDomain: null };
    expect(callAction(uri, undefined, hidden)).toEqual({ kind: 'refused', reason: 'contact_without_phone' });
    expect(callAction(uri, undefined, undefined)).toEqual({ kind: 'refused', reason: 'contact_without_phone' });
    expect(callAction({ ...uri, mode: 'none' }, undefined, maria)).toEqual({ kind: 'refused', reason: 'telephony_off' });
  });

  it('R-WS-16 the server’s refusal codes map to the button’s reasons; anything else has none', () => {
    expect(callReasonOf('agent_without_extension')).toBe('noExtension');
    expect(callReasonOf('contact_without_phone')).toBe('noPhone');
    expect(callReasonOf('toString')).toBeUndefined();
    expect(callReasonOf('internal')).toBeUndefined();
  });
});
