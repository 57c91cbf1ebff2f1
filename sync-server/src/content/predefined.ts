import {
  contentErrors, docId, mayWritePredefined, notFound,
  type Actor, type Attachment, type CreatePredefinedBody, type PredefinedDoc, type UpdatePredefinedBody,
} from '@atende/protocol';
import { attachmentOf, type MediaDoc, type MediaService } from '../media/service.js';
import { updateDoc, type DocStore } from '../store/index.js';
import { toStored, toWire } from '../store/wire.js';
import { isLive, liveById, liveOf, removedForm, writeNew } from './docs.js';
import { assertTeamAdministered, listedTeams } from './teamScope.js';

/**
 * Predefined messages (R-WS-04, R-RT-05): a title and a text with variables (protocol
 * `fillPredefined`), optionally files, for one team or (admins only) for every team. They
 * replicate to the agents of their team. Files are uploaded first (`POST /api/media`) and named
 * here by id; they become the organisation's library (`shared`), readable and attachable by
 * every agent who picks the message.
 */
export class PredefinedService {
  constructor(
    private readonly store: DocStore,
    private readonly media: MediaService,
  ) {}

  /** Admins: every message (or one team's); supervisors: their teams' (those for every team are the admins'). */
  async list(actor: Actor, teamId?: string): Promise<PredefinedDoc[]> {
    const { teamIds } = listedTeams(actor, teamId);
    const all = await liveOf<PredefinedDoc>(this.store, 'predefined');
    const listed = teamIds === 'all' ? all : all.filter((p) => p.teamId !== null && teamIds.includes(p.teamId));
    return listed.sort((a, b) => a.title.localeCompare(b.title, 'pt-BR'));
  }

  /** `key`: a fixed id key (`predefined:<key>`), for the demo seed. */
  async create(actor: Actor, body: CreatePredefinedBody, key?: string): Promise<PredefinedDoc> {
    await this.assertTeam(actor, body.teamId);
    const attachments = await this.files(actor, body.mediaIds);
    await this.share(attachments);
    const now = Date.now();
    const doc: PredefinedDoc = {
      id: docId('predefined', key), type: 'predefined', teamId: body.teamId, title: body.title.trim(), text: body.text,
      ...(attachments.length > 0 ? { attachments } : {}), createdAt: now, updatedAt: now,
    };
    return writeNew(this.store, doc);
  }

  async update(actor: Actor, id: string, body: UpdatePredefinedBody): Promise<PredefinedDoc> {
    await this.administered(actor, id);
    if (body.teamId !== undefined) await this.assertTeam(actor, body.teamId);
    const attachments = body.mediaIds === undefined ? undefined : await this.files(actor, body.mediaIds, id);
    if (attachments) await this.share(attachments);
    const { doc } = await updateDoc(this.store, id, (current) => {
      if (!isLive(current, 'predefined')) throw notFound('Predefined message');
      const before = toWire<PredefinedDoc>(current);
      // Checked again on the revision written: a concurrent move to another team is not overwritten by someone who lost it.
      if (!mayWritePredefined(actor, before.teamId)) throw notFound('Predefined message');
      const next: PredefinedDoc = { ...before, updatedAt: Date.now() };
      if (body.teamId !== undefined) next.teamId = body.teamId;
      if (body.title !== undefined) next.title = body.title.trim();
      if (body.text !== undefined) next.text = body.text;
      if (attachments !== undefined) {
        if (attachments.length > 0) next.attachments = attachments;
        else delete next.attachments;
      }
      return toStored(next, current._rev);
    });
    if (!doc) throw notFound('Predefined message');
    return toWire<PredefinedDoc>(doc);
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.administered(actor, id);
    const { written } = await updateDoc(this.store, id, (current) => {
      if (!isLive(current, 'predefined')) return undefined;
      if (!mayWritePredefined(actor, toWire<PredefinedDoc>(current).teamId)) throw notFound('Predefined message');
      return removedForm(current, Date.now());
    });
    if (!written) throw notFound('Predefined message');
  }

  /** A message a supervisor may not change reads as missing when it is another team's, and as forbidden when it is everyone's. */
  private async administered(actor: Actor, id: string): Promise<PredefinedDoc> {
    const doc = await liveById(this.store, id, 'predefined');
    if (!doc) throw notFound('Predefined message');
    const found = toWire<PredefinedDoc>(doc);
    if (found.teamId === null && !mayWritePredefined(actor, null)) throw contentErrors.allTeamsAdminOnly();
    if (!mayWritePredefined(actor, found.teamId)) throw notFound('Predefined message');
    return found;
  }

  private async assertTeam(actor: Actor, teamId: string | null): Promise<void> {
    if (teamId === null) {
      if (!mayWritePredefined(actor, null)) throw contentErrors.allTeamsAdminOnly();
      return;
    }
    await assertTeamAdministered(this.store, actor, teamId);
  }

  /**
   * The files named, each one the actor may attach: their own upload, a library file, or one the
   * message already carries (kept on an edit). Checked before anything is written.
   */
  private async files(actor: Actor, mediaIds: readonly string[], predefinedId?: string): Promise<Attachment[]> {
    const kept = new Set<string>();
    if (predefinedId) {
      const current = await liveById(this.store, predefinedId, 'predefined');
      for (const a of current ? (toWire<PredefinedDoc>(current).attachments ?? []) : []) kept.add(a.mediaId);
    }
    const attachments: Attachment[] = [];
    for (const mediaId of new Set(mediaIds)) {
      const media = await this.media.get(mediaId);
      const usable = media && !media.photoOf && (kept.has(mediaId) || media.shared === true || media.uploadedBy === actor.id);
      if (!media || !usable) throw contentErrors.unknownMedia(mediaId);
      attachments.push(attachmentOf(media));
    }
    return attachments;
  }

  /** The files join the library, so every agent who picks the message may read and send them. */
  private async share(attachments: readonly Attachment[]): Promise<void> {
    for (const { mediaId } of attachments) {
      await updateDoc<MediaDoc>(this.store, mediaId, (current) => (current && !current._deleted && current.shared !== true ? { ...current, shared: true } : undefined));
    }
  }
}
