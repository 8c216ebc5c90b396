import { ACTIVITY_FORMATS, GENDERS, OUTCOME_KINDS, type IndicatorCode } from '@app/programme';

export interface Breakdown {
  /**
   * The column of the counted items that holds the category, named as the API names the field elsewhere
   * (camelCase: `gender`, `sizeClass`), since it is the key of the breakdown in JSON and CSV answers.
   */
  dimension: string;
  /** Every category, listed even when zero; absent for open sets such as countries. */
  categories?: readonly string[];
}

/**
 * One indicator, defined once. `items` is a SELECT over the read models listing what is counted, one row
 * per thing that makes it count: `key` (the entity counted), one column per breakdown dimension, and
 * `position` (the event that made it count). Value and breakdowns are counted from those rows, and an
 * auditor's evidence is the rows themselves, so the figure and its evidence cannot disagree.
 *
 * In `items`, `scope` is the set of projects asked about, and `:from`/`:to` bound when things happened.
 */
export interface IndicatorDefinition {
  code: IndicatorCode;
  name: { en: string; sv: string };
  unit: { en: string; sv: string };
  /** The counting rule in words, as shown to project staff and auditors. */
  rule: string;
  breakdowns: readonly Breakdown[];
  /** `distinct`: each key counts once however often it appears (enterprises, people); `rows`: every row counts. */
  counting: 'distinct' | 'rows';
  items: string;
  /** An indicator that may never exceed another over the same scope, up to the end of the period. */
  atMost?: IndicatorCode;
  /**
   * What each `key` is: the category of the entity counted, whose stream holds its history. Evidence names
   * that stream; the counting never reads it.
   */
  entity: EntityCategory;
}

/** The entities an indicator counts; `attendance` keys are `<activityId>/<participantId>/<date>`, and count a person's participation. */
export type EntityCategory = 'participant' | 'organisation' | 'activity' | 'pilotCase' | 'outcome' | 'attendance';

const GENDER: Breakdown = { dimension: 'gender', categories: GENDERS };
const SME_SIZE: Breakdown = { dimension: 'sizeClass', categories: ['micro', 'small', 'medium'] };
const SIZE: Breakdown = { dimension: 'sizeClass', categories: ['micro', 'small', 'medium', 'large'] };
const COUNTRY: Breakdown = { dimension: 'country' };

/** How `items` says "in one of the projects asked about"; see {@link scopedItems}. */
export const IN_SCOPE = 'IN (SELECT project_id FROM scope)';
const inScope = (alias: string) => `${alias}.project_id ${IN_SCOPE}`;
const inPeriod = (column: string) => `${column} BETWEEN :from AND :to`;
const RESEARCH_TYPES = `('university', 'research-organisation')`;
const SME = (alias: string) => `${alias}.type = 'enterprise' AND ${alias}.size_class IN ('micro', 'small', 'medium')`;

/** Support in any form: recorded support, and a place in a lab (non-financial support). */
const SUPPORTED = `
  SELECT s.organisation_id, s.kind, s.date, s.position FROM support s WHERE ${inScope('s')}
  UNION ALL
  SELECT l.organisation_id, 'non-financial', l.admitted_on, l.position FROM lab_companies l WHERE ${inScope('l')}`;

const enterprisesSupported = (kinds?: string) => `
  SELECT x.organisation_id AS key, o.size_class AS sizeClass, x.position AS position
  FROM (${SUPPORTED}) x JOIN organisations o ON o.organisation_id = x.organisation_id
  WHERE o.type = 'enterprise' AND ${inPeriod('x.date')}${kinds ? ` AND x.kind IN ${kinds}` : ''}`;

const partnerCountries = (pilotCase: string) => `(SELECT COUNT(DISTINCT po.country) FROM pilot_partners pp2
  JOIN organisations po ON po.organisation_id = pp2.organisation_id WHERE pp2.pilot_case_id = ${pilotCase})`;
const partnerCount = (pilotCase: string) => `(SELECT COUNT(*) FROM pilot_partners pp3 WHERE pp3.pilot_case_id = ${pilotCase})`;

const outcomes = (kinds: string, extra = '') => `
  SELECT o.outcome_id AS key, o.kind AS kind, o.position AS position FROM outcomes o
  WHERE ${inScope('o')} AND o.retracted = 0 AND o.kind IN ${kinds} AND ${inPeriod('o.date')}${extra}`;

/**
 * Follow-up outcomes (dated after the project's end, within its followUpMonths) count like the others; each
 * evidence item says whether it is one (`followUp` 1), so a report can show what was measured after the end.
 */
const FOLLOW_UP = `CASE WHEN o.date > (SELECT pr.end_date FROM projects pr WHERE pr.project_id = o.project_id) THEN 1 ELSE 0 END`;
const followUpOutcomes = (kinds: string) => `
  SELECT o.outcome_id AS key, o.kind AS kind, ${FOLLOW_UP} AS followUp, o.position AS position FROM outcomes o
  WHERE ${inScope('o')} AND o.retracted = 0 AND o.kind IN ${kinds} AND ${inPeriod('o.date')}`;

const smesWithOutcome = (kinds: string) => `
  SELECT o.organisation_id AS key, org.size_class AS sizeClass, o.position AS position FROM outcomes o
  JOIN organisations org ON org.organisation_id = o.organisation_id
  WHERE ${inScope('o')} AND o.retracted = 0 AND o.kind IN ${kinds} AND ${inPeriod('o.date')} AND ${SME('org')}`;

export const INDICATOR_CATALOGUE: readonly IndicatorDefinition[] = [
  {
    code: 'participants',
    entity: 'participant',
    name: { en: 'Participants', sv: 'Deltagare' },
    unit: { en: 'persons', sv: 'personer' },
    rule:
      'People registered as participants with a registration date in the period, each counted once, by gender as ' +
      'corrected. Erased people still count: erasure removes who they are, not that they took part.',
    breakdowns: [GENDER],
    counting: 'distinct',
    items: `SELECT p.participant_id AS key, p.gender AS gender, p.position AS position FROM participants p
      WHERE ${inScope('p')} AND ${inPeriod('p.registered_on')}`,
  },
  {
    code: 'smes-reached',
    entity: 'organisation',
    name: { en: 'SMEs reached', sv: 'Små och medelstora företag som nåtts' },
    unit: { en: 'enterprises', sv: 'företag' },
    rule:
      'Distinct micro, small and medium-sized enterprises (as currently classified) that were admitted to a lab, ' +
      'got support, or are partners in a pilot case started, in the period; each counted once however often it appears.',
    breakdowns: [SME_SIZE],
    counting: 'distinct',
    items: `SELECT x.organisation_id AS key, o.size_class AS sizeClass, x.position AS position FROM (
        SELECT s.organisation_id, s.date, s.position FROM support s WHERE ${inScope('s')}
        UNION ALL SELECT l.organisation_id, l.admitted_on, l.position FROM lab_companies l WHERE ${inScope('l')}
        UNION ALL SELECT pp.organisation_id, pc.start_date, pc.position FROM pilot_partners pp
          JOIN pilot_cases pc ON pc.pilot_case_id = pp.pilot_case_id WHERE ${inScope('pc')}
      ) x JOIN organisations o ON o.organisation_id = x.organisation_id
      WHERE ${SME('o')} AND ${inPeriod('x.date')}`,
  },
  {
    code: 'creatives',
    entity: 'participant',
    name: { en: 'Creatives taking part', sv: 'Kreatörer som deltagit' },
    unit: { en: 'persons', sv: 'personer' },
    rule: 'Participants whose role is creative, registered in the period, each counted once, by gender as corrected.',
    breakdowns: [GENDER],
    counting: 'distinct',
    items: `SELECT p.participant_id AS key, p.gender AS gender, p.position AS position FROM participants p
      WHERE ${inScope('p')} AND p.role = 'creative' AND ${inPeriod('p.registered_on')}`,
  },
  {
    code: 'activities',
    entity: 'activity',
    name: { en: 'Activities', sv: 'Aktiviteter' },
    unit: { en: 'activities', sv: 'aktiviteter' },
    rule: 'Labs and other activities that started in the period, by format.',
    breakdowns: [{ dimension: 'format', categories: ['lab', ...ACTIVITY_FORMATS] }],
    counting: 'distinct',
    items: `SELECT a.activity_id AS key, a.kind AS format, a.position AS position FROM activities a
      WHERE ${inScope('a')} AND ${inPeriod('a.start_date')}`,
  },
  {
    code: 'pilot-cases',
    entity: 'pilotCase',
    name: { en: 'Pilot cases', sv: 'Pilotfall' },
    unit: { en: 'pilot cases', sv: 'pilotfall' },
    rule:
      'Pilot cases started or completed in the period, each counted once; the breakdown counts those started and ' +
      'those completed in the period (a case doing both shows in both).',
    breakdowns: [{ dimension: 'stage', categories: ['started', 'completed'] }],
    counting: 'distinct',
    items: `SELECT pc.pilot_case_id AS key, 'started' AS stage, pc.position AS position FROM pilot_cases pc
        WHERE ${inScope('pc')} AND ${inPeriod('pc.start_date')}
      UNION ALL SELECT pc.pilot_case_id, 'completed', pc.completed_position FROM pilot_cases pc
        WHERE ${inScope('pc')} AND ${inPeriod('pc.completed_on')}`,
  },
  {
    code: 'outcomes',
    entity: 'outcome',
    name: { en: 'Outcomes', sv: 'Resultat' },
    unit: { en: 'outcomes', sv: 'resultat' },
    rule: 'Outcomes dated in the period, by kind; retracted outcomes do not count.',
    breakdowns: [{ dimension: 'kind', categories: OUTCOME_KINDS }],
    counting: 'distinct',
    items: `SELECT o.outcome_id AS key, o.kind AS kind, o.position AS position FROM outcomes o
      WHERE ${inScope('o')} AND o.retracted = 0 AND ${inPeriod('o.date')}`,
  },
  {
    code: 'RCO01',
    entity: 'organisation',
    name: {
      en: 'Enterprises supported (of which: micro, small, medium, large)',
      sv: 'Företag som får stöd (varav mikroföretag, små, medelstora, stora)',
    },
    unit: { en: 'enterprises', sv: 'företag' },
    rule:
      'Distinct enterprises that got support (grant, voucher or non-financial) or a place in a lab in the period, ' +
      'each counted once however many times supported; size classes as currently classified, mutually exclusive.',
    breakdowns: [SIZE],
    counting: 'distinct',
    items: enterprisesSupported(),
  },
  {
    code: 'RCO02',
    entity: 'organisation',
    name: { en: 'Enterprises supported by grants', sv: 'Företag som får stöd genom bidrag' },
    unit: { en: 'enterprises', sv: 'företag' },
    rule: 'Distinct enterprises that got a grant or a voucher in the period; a subset of RCO01.',
    breakdowns: [SIZE],
    counting: 'distinct',
    items: enterprisesSupported(`('grant', 'voucher')`),
  },
  {
    code: 'RCO04',
    entity: 'organisation',
    name: { en: 'Enterprises with non-financial support', sv: 'Företag som får icke-finansiellt stöd' },
    unit: { en: 'enterprises', sv: 'företag' },
    rule:
      'Distinct enterprises that got non-financial support or a place in a lab in the period; a subset of RCO01 ' +
      '(RCO02 + RCO04 may exceed RCO01).',
    breakdowns: [SIZE],
    counting: 'distinct',
    items: enterprisesSupported(`('non-financial')`),
  },
  {
    code: 'RCO05',
    entity: 'organisation',
    name: { en: 'New enterprises supported', sv: 'Nya företag som får stöd' },
    unit: { en: 'enterprises', sv: 'företag' },
    rule:
      'Enterprises of RCO01 that were younger than :newEnterpriseYears years (founding year to the year of their first ' +
      'support in the scope) when first supported. Enterprises without a founding year do not count.',
    breakdowns: [SIZE],
    counting: 'distinct',
    items: `SELECT x.organisation_id AS key, o.size_class AS sizeClass, x.position AS position
      FROM (${SUPPORTED}) x JOIN organisations o ON o.organisation_id = x.organisation_id
      JOIN (SELECT f.organisation_id, MIN(f.date) AS first_date FROM (${SUPPORTED}) f GROUP BY f.organisation_id) first
        ON first.organisation_id = x.organisation_id
      WHERE o.type = 'enterprise' AND ${inPeriod('x.date')} AND o.founded_year IS NOT NULL
        AND CAST(substr(first.first_date, 1, 4) AS INTEGER) - o.founded_year < :newEnterpriseYears`,
  },
  {
    code: 'RCO07',
    entity: 'organisation',
    name: {
      en: 'Research organisations participating in joint research projects',
      sv: 'Forskningsorganisationer som deltar i gemensamma forskningsprojekt',
    },
    unit: { en: 'organisations', sv: 'organisationer' },
    rule: 'Distinct universities and research organisations that are partners in a pilot case started in the period.',
    breakdowns: [{ dimension: 'type', categories: ['university', 'research-organisation'] }],
    counting: 'distinct',
    items: `SELECT pp.organisation_id AS key, o.type AS type, pc.position AS position FROM pilot_partners pp
      JOIN pilot_cases pc ON pc.pilot_case_id = pp.pilot_case_id JOIN organisations o ON o.organisation_id = pp.organisation_id
      WHERE ${inScope('pc')} AND ${inPeriod('pc.start_date')} AND o.type IN ${RESEARCH_TYPES}`,
  },
  {
    code: 'RCO10',
    entity: 'organisation',
    name: { en: 'Enterprises cooperating with research organisations', sv: 'Företag som samarbetar med forskningsorganisationer' },
    unit: { en: 'enterprises', sv: 'företag' },
    rule:
      'Distinct enterprises that are partners in a pilot case, started in the period, that also has a university or ' +
      'research organisation as partner (active cooperation, not a purchase of services).',
    breakdowns: [SIZE],
    counting: 'distinct',
    items: `SELECT pp.organisation_id AS key, o.size_class AS sizeClass, pc.position AS position FROM pilot_partners pp
      JOIN pilot_cases pc ON pc.pilot_case_id = pp.pilot_case_id JOIN organisations o ON o.organisation_id = pp.organisation_id
      WHERE ${inScope('pc')} AND ${inPeriod('pc.start_date')} AND o.type = 'enterprise'
        AND EXISTS (SELECT 1 FROM pilot_partners r JOIN organisations ro ON ro.organisation_id = r.organisation_id
          WHERE r.pilot_case_id = pp.pilot_case_id AND ro.type IN ${RESEARCH_TYPES})`,
  },
  {
    code: 'RCO81',
    entity: 'attendance',
    name: { en: 'Participations in joint actions across borders', sv: 'Deltaganden i gemensamma gränsöverskridande insatser' },
    unit: { en: 'participations', sv: 'deltaganden' },
    rule:
      'Attendances recorded in the period at cross-border activities, counting participations, not unique people; ' +
      'public events are left out (they count in RCO115).',
    breakdowns: [GENDER],
    counting: 'rows',
    items: `SELECT ac.activity_id || '/' || p.participant_id || '/' || a.date AS key, p.gender AS gender, a.position AS position
      FROM activities ac JOIN attendance a ON a.activity_key = ac.activity_key JOIN attendees p ON p.attendee = a.attendee
      WHERE ${inScope('ac')} AND ac.cross_border = 1 AND ac.kind <> 'public-event' AND ${inPeriod('a.date')}`,
  },
  {
    code: 'RCO83',
    entity: 'outcome',
    name: { en: 'Strategies and action plans jointly developed', sv: 'Gemensamt utarbetade strategier och handlingsplaner' },
    unit: { en: 'strategies and action plans', sv: 'strategier och handlingsplaner' },
    rule:
      'Outcomes of kind strategy-developed dated in the period, not retracted, drafted jointly: tied to a cross-border ' +
      'activity, or to a pilot case whose partners come from at least two countries.',
    breakdowns: [],
    counting: 'distinct',
    items: outcomes(
      `('strategy-developed')`,
      ` AND (EXISTS (SELECT 1 FROM activities ac WHERE ac.activity_id = o.activity_id AND ac.cross_border = 1)
          OR (o.pilot_case_id IS NOT NULL AND ${partnerCountries('o.pilot_case_id')} >= 2))`,
    ),
  },
  {
    code: 'RCO84',
    entity: 'pilotCase',
    name: {
      en: 'Pilot actions developed jointly and implemented in projects',
      sv: 'Gemensamt utvecklade pilotåtgärder som genomförts i projekt',
    },
    unit: { en: 'pilot actions', sv: 'pilotåtgärder' },
    rule:
      'Pilot cases completed in the period and developed jointly: partners from at least two countries when the ' +
      'project spans several countries, otherwise at least two partner organisations.',
    breakdowns: [],
    counting: 'distinct',
    items: `SELECT pc.pilot_case_id AS key, pc.completed_position AS position FROM pilot_cases pc
      JOIN projects pr ON pr.project_id = pc.project_id
      WHERE ${inScope('pc')} AND ${inPeriod('pc.completed_on')}
        AND CASE WHEN pr.country_count >= 2 THEN ${partnerCountries('pc.pilot_case_id')} >= 2
                 ELSE ${partnerCount('pc.pilot_case_id')} >= 2 END`,
  },
  {
    code: 'RCO87',
    entity: 'organisation',
    name: { en: 'Organisations cooperating across borders', sv: 'Organisationer som samarbetar över gränserna' },
    unit: { en: 'organisations', sv: 'organisationer' },
    rule:
      'Distinct organisations that are partners in a pilot case, started in the period, whose partners come from at ' +
      'least two countries, or whose staff attended a cross-border activity in the period.',
    breakdowns: [COUNTRY],
    counting: 'distinct',
    items: `SELECT pp.organisation_id AS key, o.country AS country, pc.position AS position FROM pilot_partners pp
        JOIN pilot_cases pc ON pc.pilot_case_id = pp.pilot_case_id JOIN organisations o ON o.organisation_id = pp.organisation_id
        WHERE ${inScope('pc')} AND ${inPeriod('pc.start_date')} AND ${partnerCountries('pp.pilot_case_id')} >= 2
      UNION ALL
      SELECT p.organisation_id, o.country, x.position FROM (
          -- One row per attendee (their first such attendance): a project has thousands of attendances.
          SELECT a.attendee, MIN(a.position) AS position FROM activities ac JOIN attendance a ON a.activity_key = ac.activity_key
          WHERE ${inScope('ac')} AND ac.cross_border = 1 AND ${inPeriod('a.date')} GROUP BY a.attendee
        ) x JOIN attendees p ON p.attendee = x.attendee JOIN organisations o ON o.organisation_id = p.organisation_id`,
  },
  {
    code: 'RCO115',
    entity: 'activity',
    name: { en: 'Public events across borders jointly organised', sv: 'Gemensamt anordnade gränsöverskridande offentliga evenemang' },
    unit: { en: 'events', sv: 'evenemang' },
    rule: 'Activities of format public-event, marked cross-border, that started in the period.',
    breakdowns: [],
    counting: 'distinct',
    items: `SELECT a.activity_id AS key, a.position AS position FROM activities a
      WHERE ${inScope('a')} AND a.kind = 'public-event' AND a.cross_border = 1 AND ${inPeriod('a.start_date')}`,
  },
  {
    code: 'RCO116',
    entity: 'outcome',
    name: { en: 'Jointly developed solutions', sv: 'Gemensamt utvecklade lösningar' },
    unit: { en: 'solutions', sv: 'lösningar' },
    rule:
      'Outcomes of kind solution-developed dated in the period, not retracted, from a pilot case with at least two ' +
      'partner organisations.',
    breakdowns: [],
    counting: 'distinct',
    items: outcomes(`('solution-developed')`, ` AND o.pilot_case_id IS NOT NULL AND ${partnerCount('o.pilot_case_id')} >= 2`),
  },
  {
    code: 'RCR03',
    entity: 'organisation',
    name: {
      en: 'SMEs introducing product or process innovation',
      sv: 'Små och medelstora företag som infört produkt- eller processinnovationer',
    },
    unit: { en: 'enterprises', sv: 'företag' },
    rule:
      'Distinct micro, small and medium-sized enterprises with a product- or process-innovation outcome dated in the ' +
      'period, not retracted; new to the firm is enough.',
    breakdowns: [SME_SIZE],
    counting: 'distinct',
    items: smesWithOutcome(`('product-innovation', 'process-innovation')`),
  },
  {
    code: 'RCR04',
    entity: 'organisation',
    name: {
      en: 'SMEs introducing marketing or organisational innovation',
      sv: 'Små och medelstora företag som infört marknadsförings- eller organisationsinnovationer',
    },
    unit: { en: 'enterprises', sv: 'företag' },
    rule:
      'Distinct micro, small and medium-sized enterprises with a marketing- or organisational-innovation outcome dated ' +
      'in the period, not retracted.',
    breakdowns: [SME_SIZE],
    counting: 'distinct',
    items: smesWithOutcome(`('marketing-innovation', 'organisational-innovation')`),
  },
  {
    code: 'RCR79',
    entity: 'outcome',
    name: {
      en: 'Joint strategies and action plans taken up by organisations',
      sv: 'Gemensamma strategier och handlingsplaner som organisationer har antagit',
    },
    unit: { en: 'strategies and action plans', sv: 'strategier och handlingsplaner' },
    rule:
      'Outcomes of kind strategy-adopted dated in the period, not retracted; never more than the strategies jointly ' +
      'developed (RCO83) up to the end of the period. Follow-up: may be dated up to the project\'s followUpMonths ' +
      '(default 12) after its end; such items are marked followUp.',
    breakdowns: [],
    counting: 'distinct',
    items: followUpOutcomes(`('strategy-adopted')`),
    atMost: 'RCO83',
  },
  {
    code: 'RCR84',
    entity: 'organisation',
    name: {
      en: 'Organisations cooperating across borders after project completion',
      sv: 'Organisationer som samarbetar över gränserna efter projektets slut',
    },
    unit: { en: 'organisations', sv: 'organisationer' },
    rule:
      'Distinct organisations with a cooperation-continued outcome dated in the period, not retracted. Follow-up: such ' +
      'outcomes may be dated after the project\'s end, up to its followUpMonths (default 12), and are then marked ' +
      'followUp; within the project they count documented commitments to keep cooperating.',
    breakdowns: [COUNTRY],
    counting: 'distinct',
    items: `SELECT o.organisation_id AS key, org.country AS country, ${FOLLOW_UP} AS followUp, o.position AS position FROM outcomes o
      JOIN organisations org ON org.organisation_id = o.organisation_id
      WHERE ${inScope('o')} AND o.retracted = 0 AND o.kind = 'cooperation-continued' AND ${inPeriod('o.date')}`,
  },
  {
    code: 'RCR104',
    entity: 'outcome',
    name: { en: 'Solutions taken up or up-scaled by organisations', sv: 'Lösningar som organisationer har infört eller skalat upp' },
    unit: { en: 'solutions', sv: 'lösningar' },
    rule:
      'Outcomes of kind solution-taken-up dated in the period, not retracted. Follow-up: measured up to one year after ' +
      'the project ends, so they may be dated up to the project\'s followUpMonths (default 12) after its end; such items ' +
      'are marked followUp.',
    breakdowns: [],
    counting: 'distinct',
    items: followUpOutcomes(`('solution-taken-up')`),
  },
];

/**
 * The state-aid rules the ledger applies (Commission Regulation (EU) 2023/2831), beside the counting rules: where
 * the regulation leaves a reading open, this is the one applied.
 */
export const STATE_AID_RULES: readonly { name: string; rule: string }[] = [
  {
    name: 'de-minimis-window',
    rule:
      'A de minimis grant on a date D is assessed over the window from the same calendar date three years earlier up to ' +
      'D, both included (a 29 February falls back to 28 February): aid granted exactly three years before D still ' +
      'counts, and drops out the day after.',
  },
  {
    name: 'de-minimis-ceiling',
    rule:
      'A de minimis grant is refused when the single undertaking\'s de minimis aid in the window (declared by its ' +
      'enterprises as received elsewhere, plus granted by any project in the ledger) plus the grant exceeds the ceiling ' +
      '(EUR 300,000 unless LEDGER_DE_MINIMIS_CEILING_EUR says otherwise); it is never cut down to fit. GBER aid and ' +
      'no-aid support never count.',
  },
  {
    name: 'single-undertaking',
    rule:
      'The single undertaking of an enterprise on a date is every enterprise linked to it by control on that date, ' +
      'directly or through others; aid granted to any of them counts, including aid granted before they were linked.',
  },
];

export function indicatorDefinition(code: string): IndicatorDefinition | undefined {
  return INDICATOR_CATALOGUE.find((d) => d.code === code);
}
