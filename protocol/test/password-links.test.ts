import { describe, expect, it } from 'vitest';
import { isNetwork } from '../src/settings.js';

/** R-AUTH-03 (issue 15): the one rule for a sign-in network entry, shared by the admin screen and the server. */
describe('R-AUTH-03 isNetwork', () => {
  it.each(['203.0.113.7', '203.0.113.0/24', '0.0.0.0/0', '10.0.0.0/8', '2001:db8::/32', '::1', 'fe80::1/64', '::ffff:10.0.0.1'])(
    'R-AUTH-03 accepts %s',
    (entry) => expect(isNetwork(entry)).toBe(true),
  );
  it.each(['', 'rede', '10.0.0.0/33', '256.1.1.1', '10.0.0', '10.0.0.0/8/1', '2001:db8::/129', '2001:db8:::1', 'gggg::1', '10.0.0.0/ 8', 'http://10.0.0.1'])(
    'R-AUTH-03 refuses "%s"',
    (entry) => expect(isNetwork(entry)).toBe(false),
  );
});
