/**
 * Indicator codes a project can set a target for. The definitions (names, units, counting rules) belong to
 * the reporting catalogue; the domain only needs to know which codes exist.
 */
export const INDICATOR_CODES = [
  'participants',
  'smes-reached',
  'creatives',
  'activities',
  'pilot-cases',
  'outcomes',
  'RCO01',
  'RCO02',
  'RCO04',
  'RCO05',
  'RCO07',
  'RCO10',
  'RCO81',
  'RCO83',
  'RCO84',
  'RCO87',
  'RCO115',
  'RCO116',
  'RCR03',
  'RCR04',
  'RCR79',
  'RCR84',
  'RCR104',
] as const;

export type IndicatorCode = (typeof INDICATOR_CODES)[number];
