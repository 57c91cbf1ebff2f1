/** What the server acknowledged during a chaos run: the promises the final state must keep. */

export interface AckedMessage {
  /** The stored id the server answered (visitor: `message:wc-…`, agent: `message:<clientId>.<user>`). */
  messageId: string;
  text: string;
  /** The visitor id or the agent's user id: order is checked per author. */
  author: string;
  /** Set for a visitor's message: its transcript is read with this token too. */
  visitorToken?: string;
  /** Global acknowledgement order: an author sends one message at a time, so this is their order. */
  seq: number;
}

export type CommandKind = 'claim' | 'transfer' | 'finish';

export interface AckedCommand {
  kind: CommandKind;
  conversationId: string;
  /** Who issued it. */
  agentId: string;
  commandId: string;
  /** For a transfer: the receiving agent. */
  toAgentId?: string;
  /**
   * When it was sent, not answered: the holder acts only after the command that gave it the
   * conversation was applied, so send order is the causal order even when a retried answer comes late.
   */
  sentSeq: number;
}

export interface Unanswered {
  what: string;
  reason: string;
}

export class Ledger {
  readonly messages: AckedMessage[] = [];
  readonly commands: AckedCommand[] = [];
  readonly visitors: Array<{ visitorId: string; token: string }> = [];
  /** Conversations where a command went unanswered: their final state is not the client's to predict. */
  readonly uncertain = new Set<string>();
  /** Operations that never got an answer within their bound (expected: none). */
  readonly unanswered: Unanswered[] = [];
  /** Visitor messages the server refused outright; a retry with the same id and text must never be refused. */
  readonly refusedMessages: Array<{ id: string; status: number; body: unknown }> = [];
  /** Agent commands refused (a claim lost to a colleague, a seat limit): counted, they change nothing. */
  refusedCommands = 0;
  private seq = 0;

  message(m: Omit<AckedMessage, 'seq'>): void {
    this.messages.push({ ...m, seq: this.seq++ });
  }

  /** A position in the run's order, taken when a command is sent. */
  now(): number {
    return this.seq++;
  }

  command(c: AckedCommand): void {
    this.commands.push(c);
  }

  count(kind: CommandKind): number {
    return this.commands.filter((c) => c.kind === kind).length;
  }
}
