import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ROLES } from '@app/access';
import { CommandResultDto } from '../programme/common.dto.js';

export class GrantedTokenDto extends CommandResultDto {
  @ApiProperty({ description: 'The bearer token: shown in this answer only, never again (only a salted verifier is kept)' }) token!: string;
}

export class TokenRecordDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, nullable: true, description: "The holder's name; null once the holder is erased" }) name!: string | null;
  @ApiProperty({ enum: ROLES }) role!: string;
  @ApiPropertyOptional({ type: [String], description: 'Staff and viewer: the projects the token may touch' }) projectIds?: string[];
  @ApiPropertyOptional({ example: '2027-06-30T00:00:00.000Z' }) expiresAt?: string;
  @ApiProperty({ enum: ['active', 'expired', 'revoked'] }) status!: string;
  @ApiProperty() grantedAt!: string;
  @ApiProperty({ description: 'The actor who granted it' }) grantedBy!: string;
  @ApiPropertyOptional() revokedAt?: string;
  @ApiPropertyOptional() revokedBy?: string;
  @ApiPropertyOptional() holderErasedAt?: string;
  @ApiPropertyOptional() holderErasedBy?: string;
  @ApiProperty({ description: 'Log position of the grant' }) position!: number;
}

export class TokenListDto {
  @ApiProperty({ type: [TokenRecordDto], description: 'Every token ever granted, oldest first' }) items!: TokenRecordDto[];
}
