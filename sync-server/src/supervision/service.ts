import { DomainError, maySuperviseUser, notFound, type UserDoc } from '@atende/protocol';
import { liveUser } from '../access/users.js';
import type { AuthService } from '../auth/service.js';
import type { PauseService } from '../pauses/index.js';
import type { AgentHub } from '../realtime/hub.js';
import type { DocStore } from '../store/index.js';

const selfRefusal = () =>
  new DomainError('unprocessable', 'self_supervision', 'Para encerrar a sua própria pausa ou sair, use os seus próprios controles.');

/**
 * A supervisor's actions on an agent (R-SV-04): end their pause, sign them out of every session.
 * An admin acts on anyone else, a supervisor on the agents of the teams they belong to
 * (`maySuperviseUser`); any other user reads as missing, so ids say nothing. The agent is told
 * who did it (the app shows the notice), and each action is what the agent's own would be:
 * the pause ends as the agent's own end does, a sign-out ends sessions, sockets and pause as
 * "Sair" does.
 */
export class AgentSupervision {
  constructor(
    private readonly deps: { store: DocStore; auth: AuthService; pauses: PauseService; hub: AgentHub; log: (message: string) => void },
  ) {}

  /** 409 when the agent is not paused (nothing to end, e.g. they came back meanwhile). */
  async endPause(actor: UserDoc, userId: string): Promise<void> {
    const agent = await this.supervised(actor, userId);
    await this.deps.pauses.endPaused(agent.id);
    await this.tell(agent, actor, 'pauseEnded');
  }

  /** Answers how many open sessions were ended (0 when the agent was not signed in anywhere). */
  async signOut(actor: UserDoc, userId: string): Promise<number> {
    const agent = await this.supervised(actor, userId);
    // Told first: the revocation below closes the very sockets that must carry the notice.
    await this.tell(agent, actor, 'signedOut');
    const revoked = await this.deps.auth.revokeAll(agent);
    // As at "Sair" from the last session (pauses/index.ts ends it then too), written here so the
    // answer already finds the agent out of their pause.
    if (agent.pause) await this.deps.pauses.end(agent.id);
    this.deps.log(`supervision: ${actor.id} signed ${agent.id} out (${revoked} sessions)`);
    return revoked;
  }

  private async supervised(actor: UserDoc, userId: string): Promise<UserDoc> {
    if (actor.id === userId) throw selfRefusal();
    const target = await liveUser(this.deps.store, userId);
    if (!target || !maySuperviseUser(actor, target)) throw notFound('user');
    return target;
  }

  /** Best effort: the action stands even when the bus cannot carry the notice (the agent sees its effect). */
  private async tell(agent: UserDoc, actor: UserDoc, notice: 'pauseEnded' | 'signedOut'): Promise<void> {
    await this.deps.hub.tellUser({ userId: agent.id, notice, byName: actor.name })
      .catch((error: unknown) => this.deps.log(`supervision: ${notice} notice to ${agent.id} not published: ${String(error)}`));
  }
}
