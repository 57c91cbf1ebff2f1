/**
 * WhatsApp Cloud API refusals an agent can act on, as the sentence the failed message shows
 * (R-CH-03). The same code arrives two ways: in Graph's answer to a send (the adapter) and later in
 * a `failed` delivery report (`statuses[].errors`). Upstream texts are English and may carry
 * anything, so only the code is read. Codes from Meta's error reference.
 */
const REFUSALS: Readonly<Record<number, string>> = {
  131047: 'A janela de 24 horas do WhatsApp está fechada: envie um template aprovado.',
  131026: 'A mensagem não foi entregue: o número não usa WhatsApp, ainda não aceitou os termos ou tem uma versão antiga do aplicativo.',
  131049: 'O WhatsApp não entregou esta mensagem para preservar a experiência do cliente (limite de mensagens de marketing). Tente mais tarde.',
  131050: 'O cliente pediu para não receber mensagens de marketing desta empresa.',
  131051: 'O WhatsApp não aceita este tipo de mensagem.',
  131052: 'O WhatsApp não conseguiu baixar o arquivo enviado pelo cliente.',
  131053: 'O WhatsApp não aceitou o arquivo: confira o formato e o tamanho.',
  130472: 'O WhatsApp não entregou a mensagem a este número (experimento do WhatsApp). Tente mais tarde.',
  132000: 'As variáveis não correspondem às do template aprovado: confira se todas foram preenchidas.',
  132001: 'Este template não existe no WhatsApp neste idioma ou ainda não foi aprovado: sincronize os templates.',
  132005: 'O texto do template com as variáveis preenchidas ficou longo demais.',
  132007: 'O conteúdo das variáveis viola a política de formatação do WhatsApp (quebras de linha, tabulações ou espaços demais).',
  132018: 'Uma variável do template tem quebra de linha, tabulação ou mais de 4 espaços seguidos, o que o WhatsApp não aceita.',
  132012: 'O formato de uma variável não corresponde ao template aprovado (por exemplo, a imagem do cabeçalho).',
  132015: 'Este template está pausado pelo WhatsApp por baixa qualidade.',
  132016: 'Este template foi desativado pelo WhatsApp.',
};

/** The pt-BR sentence for a WhatsApp error code, or undefined when the code has none here. */
export function whatsappRefusal(code: number | undefined): string | undefined {
  return code === undefined ? undefined : REFUSALS[code];
}
