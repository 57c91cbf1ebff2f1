import { userAdminErrors } from '@atende/protocol';
import { updateDoc, type DocStore, type StoredDoc } from '../store/index.js';

/**
 * The enabled admins, kept in one server-only document so that "never leave the organisation
 * without an admin" is arbitrated by the store: a demotion or a disable first removes the admin
 * here with a revision-checked write that refuses to empty the list, then writes the user. Two
 * admins demoting each other at once cannot both pass.
 */
interface AdminRosterDoc extends StoredDoc {
  type: 'adminroster';
  admins: string[];
}

const ROSTER_ID = 'adminroster:enabled';

export class AdminRoster {
  constructor(
    private readonly store: DocStore,
    /** The enabled admins as the user documents say, to build the roster when there is none. */
    private readonly enabledAdmins: () => Promise<string[]>,
  ) {}

  /** Builds the roster from the users when missing (a new store, or one from before the roster). */
  async prepare(): Promise<void> {
    const admins = await this.enabledAdmins();
    await updateDoc<AdminRosterDoc>(this.store, ROSTER_ID, (current) =>
      current && !current._deleted ? undefined : { _id: ROSTER_ID, type: 'adminroster', admins },
    );
  }

  /** Before a demotion or a disable: refused (409) when `userId` is the last enabled admin. */
  async remove(userId: string): Promise<void> {
    await updateDoc<AdminRosterDoc>(this.store, ROSTER_ID, (current) => {
      const admins = (current?.admins ?? []).filter((id) => id !== userId);
      if (admins.length === 0) throw userAdminErrors.lastAdmin();
      return admins.length === current?.admins.length ? undefined : { ...current, _id: ROSTER_ID, type: 'adminroster', admins };
    });
  }

  /** After a promotion or an enable (or to undo a removal whose user write failed). */
  async add(userId: string): Promise<void> {
    await updateDoc<AdminRosterDoc>(this.store, ROSTER_ID, (current) =>
      current?.admins.includes(userId) ? undefined : { _id: ROSTER_ID, type: 'adminroster', admins: [...(current?.admins ?? []), userId] },
    );
  }
}
