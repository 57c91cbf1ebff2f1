import type { MailMessage } from './mailer.js';

export const PASSWORD_MAIL_SUBJECT = 'Cadastrar senha – Atende';

export interface PasswordMailInput {
  to: string;
  name: string;
  link: string;
  purpose: 'invite' | 'reset';
  expiresAt: number;
  /** The organisation's clock, so the hour read in the mail is the one on the office wall. */
  timeZone: string;
}

/** The e-mail carrying a password link (R-AUTH-02), in pt-BR as the manual's wording. */
export function passwordMail(input: PasswordMailInput): MailMessage {
  const until = new Intl.DateTimeFormat('pt-BR', {
    timeZone: input.timeZone, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit',
  }).format(input.expiresAt);
  const opening = input.purpose === 'invite'
    ? 'Você foi cadastrado(a) no Atende. Para entrar, cadastre a sua senha pelo link abaixo:'
    : 'Recebemos um pedido para cadastrar uma nova senha no Atende. Para cadastrá-la, abra o link abaixo:';
  const text = [
    `Olá, ${input.name}.`,
    '',
    opening,
    '',
    input.link,
    '',
    `O link vale uma única vez, até ${until}. Depois disso, peça um novo link na tela de entrada ("Esqueceu a senha?").`,
    'Se você não esperava este e-mail, pode ignorá-lo: a sua senha atual continua a mesma.',
  ].join('\n');
  return { to: input.to, subject: PASSWORD_MAIL_SUBJECT, text };
}
