import type { Transporter } from 'nodemailer';

/** One e-mail the server sends (invitations and password links, R-AUTH-02): plain text, one recipient. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  /** False when no mail server is configured: the message was only written to the log. */
  readonly delivers: boolean;
  send(message: MailMessage): Promise<void>;
}

export interface MailConfig {
  /** `smtp://user:pass@host:port` or `smtps://…`; unset, messages go to the log instead. */
  smtpUrl: string | undefined;
  /** The From header, e.g. `Atende <no-reply@example.com>`. */
  from: string;
}

/** Over SMTP through nodemailer; a refusal by the mail server is thrown to the caller. */
class SmtpMailer implements Mailer {
  readonly delivers = true;
  /** Made on the first message: nodemailer is loaded then, not in every server's start. */
  private transport: Promise<Transporter> | undefined;

  constructor(
    private readonly smtpUrl: string,
    private readonly from: string,
  ) {}

  async send(message: MailMessage): Promise<void> {
    this.transport ??= import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport(this.smtpUrl));
    await (await this.transport).sendMail({ from: this.from, to: message.to, subject: message.subject, text: message.text });
  }
}

/**
 * Without SMTP_URL (the demo, a first try-out) the message is printed on the server's output, so the
 * person setting it up can still open the link it carries. Printed, not logged: the log masks every
 * `token=` (observability/logger.ts), which would make the link useless; with SMTP_URL set nothing is printed.
 */
class LogMailer implements Mailer {
  readonly delivers = false;

  constructor(private readonly print: (message: string) => void) {}

  send(message: MailMessage): Promise<void> {
    this.print(`e-mail not sent (no SMTP_URL) to ${message.to}, "${message.subject}":\n${message.text}`);
    return Promise.resolve();
  }
}

export function createMailer(config: MailConfig, print: (message: string) => void): Mailer {
  return config.smtpUrl ? new SmtpMailer(config.smtpUrl, config.from) : new LogMailer(print);
}
