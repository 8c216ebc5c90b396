import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class UndertakingMemberDto {
  @ApiProperty({ format: 'uuid' }) organisationId!: string;
  @ApiProperty() name!: string;
}

export class WindowDto {
  @ApiProperty({ example: '2023-11-22', description: 'The same calendar date three years before `to` (29 February falls back to the 28th), included' })
  from!: string;
  @ApiProperty({ example: '2026-11-22', description: 'The assessment date, included' })
  to!: string;
}

export class CountedGrantDto {
  @ApiProperty({ enum: ['declared', 'ledger'], description: 'declared: by the enterprise, received elsewhere; ledger: granted by a project here' })
  source!: 'declared' | 'ledger';
  @ApiProperty({ format: 'uuid', description: 'The member of the single undertaking it went to' }) organisationId!: string;
  @ApiPropertyOptional({ format: 'uuid' }) projectId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) supportId?: string;
  @ApiPropertyOptional({ description: 'For declared aid: who granted it' }) grantor?: string;
  @ApiProperty({ example: '2025-05-22' }) grantedOn!: string;
  @ApiProperty({ example: 290000 }) amountEur!: number;
}

export class DeMinimisStatusDto {
  @ApiProperty({ format: 'uuid' }) organisationId!: string;
  @ApiProperty({ example: '2026-11-22' }) on!: string;
  @ApiProperty({ type: [UndertakingMemberDto], description: 'Every enterprise linked to it on that date, directly or through others, itself included' })
  singleUndertaking!: UndertakingMemberDto[];
  @ApiProperty({ type: WindowDto }) window!: WindowDto;
  @ApiProperty({ example: 300000 }) ceilingEur!: number;
  @ApiProperty({ example: 291000 }) usedEur!: number;
  @ApiProperty({ example: 9000 }) headroomEur!: number;
  @ApiProperty({ type: [CountedGrantDto] }) grants!: CountedGrantDto[];
}

export class AidValuationAnswerDto {
  @ApiProperty({ enum: ['hours', 'cost-share', 'market-price'] }) method!: string;
  @ApiPropertyOptional() hours?: number;
  @ApiPropertyOptional() hourlyRate?: number;
  @ApiPropertyOptional() note?: string;
}

export class StateAidRegisterRowDto {
  @ApiProperty({ format: 'uuid' }) supportId!: string;
  @ApiProperty({ format: 'uuid' }) organisationId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) organisationNumber!: string | null;
  @ApiProperty() country!: string;
  @ApiProperty({ nullable: true, type: String }) naceCode!: string | null;
  @ApiProperty({ enum: ['grant', 'voucher', 'non-financial'] }) kind!: string;
  @ApiProperty({ enum: ['de-minimis', 'gber', 'no-aid', 'not-recorded'], description: 'not-recorded: support recorded before aid was recorded (never read as no aid)' })
  basis!: string;
  @ApiProperty({ nullable: true, type: String }) article!: string | null;
  @ApiProperty({ description: "The aid's grant date (the support's date when aid was not recorded)" }) grantedOn!: string;
  @ApiProperty({ nullable: true, type: Number }) amount!: number | null;
  @ApiProperty({ nullable: true, type: String }) currency!: string | null;
  @ApiProperty({ nullable: true, type: Number }) eurRate!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Null when aid was not recorded' }) amountEur!: number | null;
  @ApiProperty({ nullable: true, type: AidValuationAnswerDto }) valuation!: AidValuationAnswerDto | null;
  @ApiProperty() position!: number;
}

export class StateAidRegisterPageDto {
  @ApiProperty({ type: [StateAidRegisterRowDto] }) items!: StateAidRegisterRowDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class StateAidRuleDto {
  @ApiProperty({ example: 'de-minimis-window' }) name!: string;
  @ApiProperty({ description: 'The rule in words, where the regulation leaves a reading open the one the ledger applies' }) rule!: string;
}

export class StateAidRulesDto {
  @ApiProperty({ example: 300000, description: 'The ceiling in force (LEDGER_DE_MINIMIS_CEILING_EUR)' }) ceilingEur!: number;
  @ApiProperty({ type: [StateAidRuleDto] }) rules!: StateAidRuleDto[];
}
