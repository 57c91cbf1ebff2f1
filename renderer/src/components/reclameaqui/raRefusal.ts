/**
 * A refused Reclame Aqui action in the user's language (R-CH-07, R-CH-09, R-CH-10): the codes of
 * protocol `answerRefusal` and `RA_REFUSAL` all translate under `reclameaqui.refusal`; a code the
 * screen does not know keeps the sentence it came with (the protocol's or the server's, pt-BR).
 */
export function raRefusalText(
  t: (key: string) => string,
  te: (key: string) => boolean,
  code: string,
  fallback: string,
): string {
  return te(`reclameaqui.refusal.${code}`) ? t(`reclameaqui.refusal.${code}`) : fallback;
}
