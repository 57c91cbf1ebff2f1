import type { ErrorBody, ReportQuery } from '@atende/protocol';
import { accessToken, ApiError, serverUrl } from '../../net/api';
import { forgetAccessToken } from '../../net/tokens';
import { csvFilename, csvPath, type CsvSeparator, type ReportLanguage } from './reportFilters';

/**
 * The report's CSV saved as a file (R-RT-06). The route wants the bearer token, which a plain
 * link cannot send, so the bytes are fetched and handed to the browser's download through a
 * blob: URL, under the name the server gave. Refusals arrive as net/api's ApiError, so the
 * screen shows the server's message like any other call's.
 */
async function fetchCsv(path: string, retried = false): Promise<Response> {
  const token = await accessToken();
  if (!token) throw new ApiError(401, 'unauthenticated', 'Sessão encerrada');
  let response: Response;
  try {
    response = await fetch(serverUrl() + path, { headers: { Authorization: `Bearer ${token}` } });
  } catch {
    throw new ApiError(0, 'network', 'Sem conexão com o servidor');
  }
  if (response.status === 401 && !retried) {
    // The access token expired between the check and the request: renew it once, as net/api does.
    forgetAccessToken();
    return fetchCsv(path, true);
  }
  if (!response.ok) {
    const error = (await response.json().catch(() => ({}))) as Partial<ErrorBody>;
    throw new ApiError(response.status, error.error ?? 'http_error', error.message ?? `HTTP ${response.status}`);
  }
  return response;
}

/** Downloads the CSV of `query`; resolves with the file's name once the browser has it. */
export async function downloadReportCsv(query: ReportQuery, separator: CsvSeparator, lang: ReportLanguage): Promise<string> {
  const response = await fetchCsv(csvPath(query, separator, lang));
  const name = csvFilename(response.headers.get('Content-Disposition'), query);
  const url = URL.createObjectURL(await response.blob());
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    link.click();
  } finally {
    // The click has started the download from the URL; revoking it later frees the bytes.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
  return name;
}
