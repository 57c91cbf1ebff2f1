import { z } from 'zod';

/**
 * What goes from a ticket into replicated documents is bounded (R-CH-06 hardening): labels and
 * names are cut, ids must be a short safe token (they become thread and document ids), dates must
 * be real dates (the poll cursor holds them), and the page link must be a URL of sane length.
 */
export const RA_LABEL_MAX = 200;
export const RA_TITLE_MAX = 500;
export const RA_URL_MAX = 2048;
/** Complaints run to 10,000 characters; a text past this is cut (it is split into messages anyway). */
export const RA_TEXT_MAX = 20_000;
const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A text cut to `max` characters, marked with an ellipsis when it was longer. */
const cut = (max: number) => z.string().transform((s) => (s.length > max ? `${s.slice(0, max - 1)}…` : s));
/** An upstream id (string or number) as a safe token: anything else fails the ticket. */
const upstreamId = z.union([z.string(), z.number()]).transform(String).pipe(z.string().regex(SAFE_ID, 'unsafe id'));
/**
 * A date the cursor may hold: an ISO 8601 date-time (`T` or a space between date and time, any
 * offset or none, as HugMe's format is a model assumption) that Date.parse reads.
 */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;
const isoDate = z.string().max(64).refine((s) => ISO_DATE_TIME.test(s) && Number.isFinite(Date.parse(s)), 'not an ISO date-time');
/** A date shown in the header or ordering messages: an unreadable one reads as absent. */
const optionalDate = isoDate.nullish().catch(null);

/** An interaction of a complaint (CHANNELS.md): only the fields the channel reads. */
const Interaction = z.object({
  ticket_interaction_id: upstreamId,
  ticket_interaction_type_id: upstreamId,
  message: cut(RA_TEXT_MAX).nullish(),
  privacy: z.boolean().nullish(),
  creation_date: optionalDate,
  customer: z.boolean().nullish(),
}).loose();

/** A HugMe ticket (a complaint), loosely: unknown fields pass, the few we need are checked. */
export const RaTicket = z.object({
  id: upstreamId,
  complaint_title: cut(RA_TITLE_MAX).nullish(),
  complaint_content: cut(RA_TEXT_MAX).nullish(),
  creation_date: optionalDate,
  // The poll cursor moves on it: a ticket without a readable one is skipped (poller.ts).
  last_modification_date: isoDate,
  customer: z.object({
    id: upstreamId.nullish(),
    name: cut(RA_LABEL_MAX).nullish(),
    // An address no mail server takes (over 254 characters, RFC 5321) is left out.
    email: z.array(z.string()).transform((list) => list.filter((e) => e.length <= 254)).nullish().catch(null),
    phone_numbers: z.array(z.string()).nullish().catch(null),
  }).loose().nullish(),
  location: z.object({ city: cut(RA_LABEL_MAX).nullish().catch(null), state: cut(RA_LABEL_MAX).nullish().catch(null) }).loose().nullish().catch(null),
  // A status whose id is no short token reads as absent: the header shows none rather than the odd value.
  ra_status: z.object({ id: upstreamId, name: cut(RA_LABEL_MAX).nullish() }).loose().nullish().catch(null),
  interactions: z.array(Interaction).nullish(),
  public_url: z.string().max(RA_URL_MAX).nullish().catch(null),
  // The evaluation and moderation (R-CH-09, R-CH-10): a shape we do not expect reads as absent
  // (`catch`), so one odd ticket never stops the page, and with it the account's polling.
  // Model assumption: CHANNELS.md names rating, resolved_issue and back_doing_business, not their
  // types; a number (0–10) and two booleans are what the site shows.
  rating: z.number().nullish().catch(null),
  resolved_issue: z.boolean().nullish().catch(null),
  back_doing_business: z.boolean().nullish().catch(null),
  moderation: z.object({
    status: z.string().max(RA_LABEL_MAX),
    reason: upstreamId.nullish().catch(null),
  }).loose().nullish().catch(null),
}).loose();
export type RaTicket = z.infer<typeof RaTicket>;

/** A ticket of the page that is not one the channel can store, and why (for the log). */
export interface SkippedTicket { id: string; reason: string }

export const TicketsAnswer = z.object({
  data: z.array(z.unknown()),
  meta: z.object({ page: z.unknown().optional(), total: z.number().optional() }).loose().optional(),
});
export interface TicketsPage {
  data: RaTicket[];
  /** Tickets left out, so one odd ticket never stops the page; they still count toward the page's size. */
  skipped: SkippedTicket[];
  meta?: z.infer<typeof TicketsAnswer>['meta'];
}

const urlOf = (text: string): URL | undefined => {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
};

/**
 * The complaint's page as the header may link it (R-CH-06): an http(s) page on reclameaqui.com.br
 * (or a subdomain), or on the account's own API host (the simulator serves its pages there); a
 * link anywhere else is dropped, so no ticket sends agents to a site of its choosing.
 */
export function complaintPageUrl(url: string | null | undefined, apiBaseUrl: string): string | null {
  const page = url ? urlOf(url) : undefined;
  if (!url || !page || (page.protocol !== 'https:' && page.protocol !== 'http:') || page.username || page.password) return null;
  const host = page.hostname.toLowerCase();
  if (host === 'reclameaqui.com.br' || host.endsWith('.reclameaqui.com.br')) return url;
  const api = urlOf(apiBaseUrl);
  return api && (api.protocol === 'https:' || api.protocol === 'http:') && api.host === page.host ? url : null;
}

/**
 * The tickets of a page of `apiBaseUrl`'s HugMe the channel can store (their page link checked),
 * the others set aside with their reason.
 */
export function ticketsOf(answer: z.infer<typeof TicketsAnswer>, apiBaseUrl: string): TicketsPage {
  const page: TicketsPage = { data: [], skipped: [], ...(answer.meta ? { meta: answer.meta } : {}) };
  for (const raw of answer.data) {
    const parsed = RaTicket.safeParse(raw);
    if (parsed.success) {
      page.data.push({ ...parsed.data, public_url: complaintPageUrl(parsed.data.public_url, apiBaseUrl) });
      continue;
    }
    const issue = parsed.error.issues[0];
    const rawId = typeof raw === 'object' && raw !== null ? String((raw as { id?: unknown }).id) : '?';
    // Only a short, cleaned rendering of what HugMe sent reaches the log.
    page.skipped.push({ id: rawId.slice(0, 64).replace(/[^A-Za-z0-9_-]/g, '?'), reason: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'shape'}` });
  }
  return page;
}
