import type { ReportQuery } from '@atende/protocol';
import { fetchAuthorised, saveAs } from '../../net/fileDownload';
import { csvFilename, csvPath, type CsvSeparator, type ReportLanguage } from './reportFilters';

/**
 * The report's CSV saved as a file (R-RT-06), fetched with the bearer token (net/fileDownload.ts).
 */

/** Downloads the CSV of `query`; resolves with the file's name once the browser has it. */
export async function downloadReportCsv(query: ReportQuery, separator: CsvSeparator, lang: ReportLanguage): Promise<string> {
  const response = await fetchAuthorised(csvPath(query, separator, lang));
  return saveAs(response, csvFilename(response.headers.get('Content-Disposition'), query));
}
