import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { permissionsOf, type Principal } from '@app/access';
import { Access, CurrentPrincipal } from '../http/access.decorator.js';
import { ReadRoute } from '../programme/api-docs.decorators.js';
import { SessionDto } from './session.responses.dto.js';

/**
 * Who the caller is, as the guard authenticated them, so a client can say who is signed in and offer only
 * what the role may do. Every role holds `organisations:read`, so every valid token may ask.
 */
@ApiTags('access')
@Controller('api/session')
export class SessionController {
  @Get()
  @Access('organisations:read')
  @ReadRoute({ notFound: false })
  @ApiOkResponse({ type: SessionDto, description: 'The caller: actor, role, the projects it may touch (or "all") and its permissions' })
  session(@CurrentPrincipal() principal: Principal) {
    return { actor: principal.actor, role: principal.role, projects: principal.projects, permissions: permissionsOf(principal.role) };
  }
}
