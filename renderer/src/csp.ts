import { z } from 'zod';

// The desktop shell's CSP forbids eval; zod would otherwise probe `new Function` once (caught,
// but reported as a CSP violation). Imported first by main.ts, before any schema parses.
z.config({ jitless: true });
