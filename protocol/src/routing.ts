/** Routing (R-RT-01…03): business hours with holidays and the off-hours message, session timeouts, automatic distribution. */
import { z } from 'zod';
import { Id } from './documents.js';
import { BusinessHours, ValidBusinessHours } from './hours.js';
import { endpoint } from './endpoint.js';

/** A team's business hours as the admin screen shows them, with whether it is open now. */
export const TeamHoursView = z.object({
  teamId: Id,
  name: z.string(),
  /** null: always open. */
  businessHours: BusinessHours.nullable(),
  open: z.boolean(),
  /** When a closed team opens next (epoch ms); null when open or never within a year. */
  nextOpening: z.number().int().nullable(),
});
export type TeamHoursView = z.infer<typeof TeamHoursView>;

/** `PUT /api/admin/teams/:id/hours`: the whole set at once; null removes the hours (always open). */
export const TeamHoursBody = z.object({ businessHours: ValidBusinessHours.nullable() });
export type TeamHoursBody = z.infer<typeof TeamHoursBody>;

export const ROUTING_API = {
  /** The teams the user administers (admin: all; supervisor: their own), with their hours. */
  adminListTeamHours: endpoint({
    method: 'GET', path: '/api/admin/hours', auth: 'user', response: z.object({ teams: z.array(TeamHoursView) }),
  }),
  adminTeamHours: endpoint({ method: 'GET', path: '/api/admin/teams/:id/hours', auth: 'user', response: TeamHoursView }),
  adminSetTeamHours: endpoint({ method: 'PUT', path: '/api/admin/teams/:id/hours', auth: 'user', body: TeamHoursBody, response: TeamHoursView }),
} as const;
