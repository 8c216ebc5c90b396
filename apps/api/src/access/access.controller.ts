import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { AccessRegistry, GrantAccessCommand, RevokeAccessCommand, ROLES, type Role } from '@app/access';
import type { CommandContext } from '@app/programme';
import { Access } from '../http/access.decorator.js';
import { Ctx } from '../http/command-context.decorator.js';
import { ShownOnce } from '../http/idempotency.decorator.js';
import { CommandRoute, ReadRoute } from '../programme/api-docs.decorators.js';
import { IdParam } from '../programme/id.param.js';

export class GrantAccessDto {
  @ApiProperty({ example: 'Anna Svensson, projektekonom' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;

  @ApiPropertyOptional({ type: [String], description: 'Required for staff and viewer; left out for admin and auditor' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  projectIds?: string[];

  @ApiPropertyOptional({ example: '2027-06-30T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  expiresAt?: string;
}

export class RevokeAccessDto {
  @ApiPropertyOptional({ example: 'Left the project' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

/** Tokens: granted and revoked as events, so the audit trail shows who could do what, from when, and who said so. */
@ApiTags('access')
@Controller('api/access/tokens')
export class AccessController {
  constructor(
    private readonly commands: CommandBus,
    private readonly registry: AccessRegistry,
  ) {}

  @Post()
  @Access('access:manage')
  @CommandRoute(201, [422])
  @ShownOnce('token')
  async grant(@Body() body: GrantAccessDto, @Ctx() context: CommandContext) {
    const expiresAt = body.expiresAt ? new Date(body.expiresAt).toISOString() : undefined;
    const result = await this.commands.execute(
      new GrantAccessCommand({ ...body, ...(expiresAt ? { expiresAt } : {}) }, context),
    );
    // The token is in this answer and nowhere else: only its salted hash is kept.
    return result;
  }

  @Get()
  @Access('access:manage')
  @ReadRoute()
  list(@Ctx() context: CommandContext) {
    return { items: this.registry.list(context.now) };
  }

  @Post(':id/revocation')
  @HttpCode(200)
  @Access('access:manage')
  @CommandRoute(200, [404, 422])
  revoke(@IdParam() id: string, @Body() body: RevokeAccessDto, @Ctx() context: CommandContext) {
    return this.commands.execute(new RevokeAccessCommand(id, body.reason, context));
  }
}
