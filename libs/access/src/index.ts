export * from './access-token.decider.js';
export * from './access-token.secret.js';
export * from './access.commands.js';
export * from './access.registry.js';
export * from './access.module.js';
export * from './access-policy.js';
export * from './oidc.verifier.js';
export * from './safe-text.js';
