import type { Projection } from '../projection.js';
import { activitiesProjection } from './activities.projection.js';
import { organisationsProjection } from './organisations.projection.js';
import { outcomesProjection } from './outcomes.projection.js';
import { participantsProjection } from './participants.projection.js';
import { pilotCasesProjection } from './pilot-cases.projection.js';
import { projectHistoryProjection } from './project-history.projection.js';
import { projectsProjection } from './projects.projection.js';
import { reportsProjection } from './reports.projection.js';
import { supportProjection } from './support.projection.js';

/** Every read model the service keeps, in the order `ledger projections status` lists them. */
export const PROJECTIONS: readonly Projection[] = [
  projectsProjection,
  organisationsProjection,
  participantsProjection,
  activitiesProjection,
  supportProjection,
  pilotCasesProjection,
  outcomesProjection,
  reportsProjection,
  projectHistoryProjection,
];
