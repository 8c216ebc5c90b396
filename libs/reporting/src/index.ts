export * from './projection.js';
export * from './projections/index.js';
export * from './read-model.database.js';
export * from './read-model.replay.js';
export * from './projection-engine.js';
export * from './projection-rebuild.js';
export * from './indicators/indicator-catalogue.js';
export * from './indicators/indicator.calculator.js';
