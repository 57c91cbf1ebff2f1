import { channelName } from '../../conversations/channelSentences.js';
import { PermanentFailure, RetryLater } from '../../jobs/types.js';
import type { MetaMessagingKind } from './messagingInbound.js';

/**
 * How the Send API's refusals `{error: {message, type, code, error_subcode, fbtrace_id}}` become
 * the job queue's outcomes and the pt-BR sentences agents and admins read (never a URL or token).
 */

export interface GraphError { message?: string; type?: string; code?: number; error_subcode?: number; fbtrace_id?: string }

/** "Slow down": app (4), user (17, 32), page (613) rate limits; 1200 a temporary send failure. */
const THROTTLED = new Set([4, 17, 32, 613, 1200]);

export async function errorOf(res: Response): Promise<GraphError> {
  try {
    const body = (await res.json()) as { error?: GraphError };
    return body.error ?? {};
  } catch {
    return {};
  }
}

const throttled = (res: Response, error: GraphError) => res.status === 429 || (error.code !== undefined && THROTTLED.has(error.code));
const refusedCredentials = (res: Response, error: GraphError) => error.code === 190 || res.status === 401;

/** The sentence for a refused message, by Meta's code and subcode. */
function messageRefusal(kind: MetaMessagingKind, error: GraphError, status: number): string {
  const label = channelName(kind);
  // Messenger's subcode, and Instagram's (2534022) for the same refusal.
  if (error.code === 10 && (error.error_subcode === 2018278 || error.error_subcode === 2534022)) {
    return `O ${label} recusou a mensagem: ela está fora da janela de resposta (24 horas após a última mensagem do cliente, ou 7 dias com a etiqueta de atendimento humano).`;
  }
  if (error.code === 551) return `Esta pessoa não está disponível no ${label} agora (pode ter bloqueado a página ou desativado a conta).`;
  if (error.code === 100 && (error.error_subcode === 2018001 || error.error_subcode === 2534014)) return `O ${label} não encontrou este cliente: ele precisa escrever para a página antes.`;
  if (error.code === 100 && error.error_subcode === 2018008) return `O ${label} não conseguiu baixar o arquivo pelo link enviado. Tente de novo ou envie outro arquivo.`;
  if (error.code === 100 && error.error_subcode === 2018294) return `O arquivo é grande demais para o ${label} (imagens até 8 MB, outros arquivos até 25 MB).`;
  if (error.code === 10 || error.code === 200 || error.code === 230) return `A página não tem permissão para enviar esta mensagem pelo ${label} (código ${error.code}). Peça a um administrador para revisar as permissões do app.`;
  return `O ${label} recusou a mensagem (código ${error.code ?? status}${error.error_subcode ? `/${error.error_subcode}` : ''}).`;
}

/** Throttling and server errors wait and retry (never dropped); other refusals are final. */
export function classify(kind: MetaMessagingKind, res: Response, error: GraphError): Error {
  const detail = `${channelName(kind)} ${res.status} code ${error.code ?? '?'}/${error.error_subcode ?? '-'}: ${error.message ?? ''} (fbtrace ${error.fbtrace_id ?? '-'})`;
  if (throttled(res, error) || res.status >= 500) {
    const retryAfter = Number(res.headers.get('retry-after'));
    return new RetryLater(detail, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined);
  }
  if (refusedCredentials(res, error)) return new PermanentFailure(`O ${channelName(kind)} recusou as credenciais deste canal (token da página). Peça a um administrador para revisá-las.`);
  return new PermanentFailure(messageRefusal(kind, error, res.status));
}

/** Why the upstream refused a read ("Testar conexão"), for an admin. */
export function refusalOf(kind: MetaMessagingKind, res: Response, error: GraphError): string {
  const label = channelName(kind);
  if (refusedCredentials(res, error)) return `O ${label} recusou o token de acesso da página (código 190): gere um novo token e salve-o neste canal.`;
  if (error.code === 100 && error.error_subcode === 33) {
    return kind === 'messenger'
      ? 'O Messenger não encontrou esta página, ou o token não tem acesso a ela (código 100/33): confira o Page ID.'
      : 'O Instagram não encontrou esta conta, ou o token não tem acesso a ela (código 100/33): confira o ID da conta do Instagram.';
  }
  if (throttled(res, error)) return `O ${label} pediu para esperar (limite de requisições). Tente de novo em instantes.`;
  if (res.status >= 500) return `O ${label} está com problemas (HTTP ${res.status}). Tente de novo em instantes.`;
  return `O ${label} recusou o pedido (código ${error.code ?? res.status}).`;
}
