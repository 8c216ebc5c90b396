import { ApiProperty } from '@nestjs/swagger';
import { ROLES } from '@app/access';

export class SessionDto {
  @ApiProperty({ example: 'token:ab16ac56-6e77-4f8f-83c4-61e24bb452e3', description: 'The actor, as recorded on the events it causes' }) actor!: string;
  @ApiProperty({ enum: ROLES }) role!: string;
  @ApiProperty({
    oneOf: [{ type: 'string', enum: ['all'] }, { type: 'array', items: { type: 'string', format: 'uuid' } }],
    description: 'The projects the caller may touch, or "all"',
  })
  projects!: 'all' | string[];
  @ApiProperty({ type: [String], example: ['figures:read', 'records:read'] }) permissions!: string[];
}
