import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Permission, Principal } from '@app/access';

export const ACCESS_RULE = 'programme-ledger:access';

/**
 * How a route finds the project it touches, for permissions checked per project: `project` when the
 * path's `:id` is a project, an entity category when it is that entity (its stream's first event names
 * the project), `listing` when the route lists projects and answers only those the caller may see.
 */
export type ProjectScope = 'project' | 'participant' | 'activity' | 'pilotCase' | 'outcome' | 'support' | 'report' | 'listing';

export interface AccessRule {
  permission: Permission;
  scope?: ProjectScope;
}

/** Every route declares what it needs; the guard closes any route that declares nothing. */
export const Access = (permission: Permission, scope?: ProjectScope) => SetMetadata(ACCESS_RULE, { permission, scope } satisfies AccessRule);

/** The authenticated caller, as the guard found it. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal => context.switchToHttp().getRequest<{ principal: Principal }>().principal,
);
