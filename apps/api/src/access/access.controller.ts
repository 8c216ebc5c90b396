import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { AccessRegistry, EraseAccessHolderCommand, GrantAccessCommand, RevokeAccessCommand, ROLES, type Role } from '@app/access';
import { DEFAULT_REASON_CATEGORY, PERSONAL_DATA_VAULT, PersonalDataVault, REASON_CATEGORIES, type CommandContext, type ReasonCategory } from '@app/programme';
import { Access } from '../http/access.decorator.js';
import { Ctx } from '../http/command-context.decorator.js';
import { ShownOnce } from '../http/idempotency.decorator.js';
import { CommandRoute, ReadRoute } from '../programme/api-docs.decorators.js';
import { IdParam } from '../programme/id.param.js';
import { GrantedTokenDto, TokenListDto } from './access.responses.dto.js';

export class GrantAccessDto {
  @ApiProperty({
    example: 'Anna Svensson, projektekonom',
    description: "Personal data: sealed with the grant's own key before it is recorded, shown only to admins, shredded when the holder is erased",
  })
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
  @ApiPropertyOptional({
    example: 'Left the project',
    description: "About the holder: sealed with the grant's key, shredded when the holder is erased (not kept for an erased holder). Never logged",
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

export class EraseAccessHolderDto {
  @ApiPropertyOptional({
    enum: REASON_CATEGORIES,
    default: DEFAULT_REASON_CATEGORY,
    description: 'Why, as a category: plain in the log; `other` when absent',
  })
  @IsOptional()
  @IsIn(REASON_CATEGORIES)
  reasonCategory?: ReasonCategory;

  @ApiPropertyOptional({
    example: 'Begäran om radering enligt art. 17',
    maxLength: 2000,
    description: "About the holder: sealed with the grant's key, which the erasure destroys at once, so it is never readable. Never logged",
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
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
    @Inject(PERSONAL_DATA_VAULT) private readonly vault: PersonalDataVault,
  ) {}

  @Post()
  @Access('access:manage')
  @CommandRoute(201, [422], GrantedTokenDto)
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
  @ReadRoute({ notFound: false })
  @ApiOkResponse({ type: TokenListDto })
  list(@Ctx() context: CommandContext) {
    return { items: this.registry.list(context.now, this.vault) };
  }

  @Post(':id/revocation')
  @HttpCode(200)
  @Access('access:manage')
  @CommandRoute(200, [404, 422])
  revoke(@IdParam() id: string, @Body() body: RevokeAccessDto, @Ctx() context: CommandContext) {
    return this.commands.execute(new RevokeAccessCommand(id, body.reason, context));
  }

  /** Erases who held the token (its name is shredded); the grant, its role, projects and status stay for the audit. */
  @Post(':id/erasure')
  @HttpCode(200)
  @Access('personal-data:erase')
  @CommandRoute(200, [404, 422])
  erase(@IdParam() id: string, @Body() body: EraseAccessHolderDto, @Ctx() context: CommandContext) {
    return this.commands.execute(new EraseAccessHolderCommand(id, body, context));
  }
}
