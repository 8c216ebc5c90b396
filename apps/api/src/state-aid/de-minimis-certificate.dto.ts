import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SUPPORT_KINDS } from '@app/programme';
import { AidViewDto } from '../programme/entity-views.dto.js';
import { DeMinimisStatusDto } from './state-aid.responses.dto.js';

export class CertifiedEnterpriseDto {
  @ApiProperty({ format: 'uuid' }) organisationId!: string;
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ example: '559123-0007' }) organisationNumber?: string;
  @ApiProperty({ example: 'SE' }) country!: string;
}

export class GrantorDto {
  @ApiProperty({ format: 'uuid' }) projectId!: string;
  @ApiProperty() projectName!: string;
  @ApiProperty() programme!: string;
}

/** The facts of a de minimis certificate, as `format=json` answers them (the HTML page shows the same). */
export class DeMinimisCertificateDto {
  @ApiProperty({ format: 'uuid' }) supportId!: string;
  @ApiProperty({ type: CertifiedEnterpriseDto }) enterprise!: CertifiedEnterpriseDto;
  @ApiProperty({ type: GrantorDto }) grantor!: GrantorDto;
  @ApiProperty({ type: AidViewDto }) aid!: AidViewDto;
  @ApiProperty({ enum: SUPPORT_KINDS }) supportKind!: string;
  @ApiProperty({ type: DeMinimisStatusDto, description: 'The single undertaking on the grant date, what it had in the window including this grant, and the ceiling' })
  status!: DeMinimisStatusDto;
}
