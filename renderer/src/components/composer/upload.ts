import { MediaResponse, type ChannelKind, type ErrorBody } from '@atende/protocol';
import { accessToken, ApiError, serverUrl } from '../../net/api';

/**
 * `POST /api/media` with upload progress (fetch reports none, so XMLHttpRequest). The `channel`
 * field goes before the file: the server reads it first to cut off a file past the channel's
 * limit early. Failures are ApiErrors like every other call (status 0: never reached the server).
 */
export async function uploadMedia(
  file: Blob & { name?: string },
  channel: ChannelKind,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<MediaResponse> {
  const token = await accessToken();
  if (!token) throw new ApiError(401, 'unauthenticated', 'Sessão encerrada');
  const form = new FormData();
  form.append('channel', channel);
  form.append('file', file, file.name || 'arquivo');
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', `${serverUrl()}/api/media`);
    request.setRequestHeader('Authorization', `Bearer ${token}`);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    request.onerror = () => reject(new ApiError(0, 'network', 'Sem conexão com o servidor'));
    request.onabort = () => reject(new ApiError(0, 'aborted', 'Envio cancelado'));
    request.onload = () => {
      const body = parse(request.responseText);
      if (request.status === 201) {
        const media = MediaResponse.safeParse(body);
        if (media.success) resolve(media.data);
        else reject(new ApiError(request.status, 'bad_response', 'Resposta inesperada do servidor'));
        return;
      }
      const error = (body ?? {}) as Partial<ErrorBody>;
      reject(new ApiError(request.status, error.error ?? 'http_error', error.message ?? `HTTP ${request.status}`));
    };
    signal?.addEventListener('abort', () => request.abort(), { once: true });
    request.send(form);
  });
}

function parse(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}
