import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import {
  ACTIVITY_FORMATS,
  AdmitCompanyToLabCommand,
  AdmitCreativeToLabCommand,
  CloseActivityCommand,
  EntityReader,
  NotFound,
  OpenActivityCommand,
  OpenLabCommand,
  RecordAttendanceCommand,
  type ActivityFormat,
  type CommandContext,
} from '@app/programme';
import { Ctx } from '../http/command-context.decorator.js';
import { CommandRoute, ReadRoute } from './api-docs.decorators.js';
import { CreateDto } from './common.dto.js';
import { IdParam } from './id.param.js';
import { IsIsoDate } from './validators.js';
import { Access } from '../http/access.decorator.js';

export class LabCapacityDto {
  @ApiPropertyOptional({ example: 4, default: 4 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  companies?: number;

  @ApiPropertyOptional({ example: 16, default: 16 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  creatives?: number;
}

class DatedActivityDto extends CreateDto {
  @ApiProperty({ example: 'Cross Innovation Challenge Karlshamn', maxLength: 300 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  name!: string;

  @ApiProperty({ example: '2023-10-10' })
  @IsIsoDate()
  startDate!: string;

  @ApiProperty({ example: '2023-10-12' })
  @IsIsoDate()
  endDate!: string;
}

export class OpenLabDto extends DatedActivityDto {
  @ApiProperty({ example: 'hav och vatten', maxLength: 300 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  theme!: string;

  @ApiPropertyOptional({ type: LabCapacityDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => LabCapacityDto)
  capacity?: LabCapacityDto;

  @ApiPropertyOptional({ default: false, description: 'Run across borders (needs a project in at least two countries)' })
  @IsOptional()
  @IsBoolean()
  crossBorder?: boolean;
}

export class OpenActivityDto extends DatedActivityDto {
  @ApiProperty({ enum: ACTIVITY_FORMATS })
  @IsIn(ACTIVITY_FORMATS)
  format!: ActivityFormat;

  @ApiProperty({ example: false })
  @IsBoolean()
  crossBorder!: boolean;
}

export class AdmitCompanyDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  organisationId!: string;

  @ApiPropertyOptional({ description: 'Defaults to today' })
  @IsOptional()
  @IsIsoDate()
  admittedOn?: string;
}

export class AdmitCreativeDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  participantId!: string;

  @ApiPropertyOptional({ description: 'Defaults to today' })
  @IsOptional()
  @IsIsoDate()
  admittedOn?: string;
}

export class RecordAttendanceDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  participantId!: string;

  @ApiProperty({ example: '2023-10-11' })
  @IsIsoDate()
  date!: string;
}

/** A page of an activity's attendance: a series may gather tens of thousands, so GET never answers them all at once. */
export class AttendancePageQueryDto {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500, description: 'How many attendance records to answer' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  attendanceLimit?: number;

  @ApiPropertyOptional({ default: 0, minimum: 0, description: 'How many attendance records to skip, oldest first' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  attendanceOffset?: number;
}

export class AttendanceDto {
  @ApiProperty({ format: 'uuid' }) participantId!: string;
  @ApiProperty({ example: '2023-10-11' }) date!: string;
}

export class AttendancePageDto {
  @ApiProperty({ type: [AttendanceDto], description: 'In the order recorded' }) items!: AttendanceDto[];
  @ApiProperty({ description: 'Attendance records of the activity in all' }) total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class ActivityViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Revision of the activity; also sent as ETag' }) revision!: number;
  @ApiProperty({ format: 'uuid' }) projectId!: string;
  @ApiProperty({ enum: ['lab', ...ACTIVITY_FORMATS] }) kind!: string;
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ description: 'Labs only' }) theme?: string;
  @ApiProperty({ example: '2023-10-10' }) startDate!: string;
  @ApiProperty({ example: '2023-10-12' }) endDate!: string;
  @ApiProperty() crossBorder!: boolean;
  @ApiProperty() closed!: boolean;
  @ApiPropertyOptional({ example: '2023-10-12' }) closedOn?: string;
  @ApiPropertyOptional({ type: LabCapacityDto, description: 'Labs only' }) capacity?: LabCapacityDto;
  @ApiProperty({ type: [String], description: 'Organisation ids admitted (labs)' }) companies!: string[];
  @ApiProperty({ type: [String], description: 'Participant ids admitted as creatives (labs)' }) creatives!: string[];
  @ApiProperty({ type: AttendancePageDto, description: 'One page, chosen by attendanceLimit and attendanceOffset' })
  attendance!: AttendancePageDto;
}

export class CloseActivityDto {
  @ApiPropertyOptional({ description: 'Defaults to today' })
  @IsOptional()
  @IsIsoDate()
  closedOn?: string;
}

@ApiTags('activities')
@Controller('api')
export class ActivitiesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly entities: EntityReader,
  ) {}

  @Post('projects/:id/labs')
  @Access('records:write', 'project')
  @CommandRoute(201, [404, 409, 422])
  openLab(@IdParam() projectId: string, @Body() { id, ...input }: OpenLabDto, @Ctx() context: CommandContext) {
    return this.commands.execute(new OpenLabCommand(id ?? context.newEntityId(), { ...input, projectId }, context));
  }

  @Post('projects/:id/activities')
  @Access('records:write', 'project')
  @CommandRoute(201, [404, 409, 422])
  openActivity(@IdParam() projectId: string, @Body() { id, ...input }: OpenActivityDto, @Ctx() context: CommandContext) {
    return this.commands.execute(new OpenActivityCommand(id ?? context.newEntityId(), { ...input, projectId }, context));
  }

  @Post('labs/:id/companies')
  @Access('records:write', 'activity')
  @HttpCode(200)
  @CommandRoute(200, [404, 412, 422])
  admitCompany(@IdParam() labId: string, @Body() input: AdmitCompanyDto, @Ctx() context: CommandContext) {
    return this.commands.execute(new AdmitCompanyToLabCommand(labId, input, context));
  }

  @Post('labs/:id/creatives')
  @Access('records:write', 'activity')
  @HttpCode(200)
  @CommandRoute(200, [404, 412, 422])
  admitCreative(@IdParam() labId: string, @Body() input: AdmitCreativeDto, @Ctx() context: CommandContext) {
    return this.commands.execute(new AdmitCreativeToLabCommand(labId, input, context));
  }

  @Post('activities/:id/attendance')
  @Access('records:write', 'activity')
  @HttpCode(200)
  @CommandRoute(200, [404, 412, 422])
  recordAttendance(@IdParam() activityId: string, @Body() input: RecordAttendanceDto, @Ctx() context: CommandContext) {
    return this.commands.execute(new RecordAttendanceCommand(activityId, input, context));
  }

  @Post('activities/:id/close')
  @Access('records:write', 'activity')
  @HttpCode(200)
  @CommandRoute(200, [404, 412, 422])
  close(@IdParam() activityId: string, @Body() input: CloseActivityDto, @Ctx() context: CommandContext) {
    return this.commands.execute(new CloseActivityCommand(activityId, input, context));
  }

  @Get('labs/:id')
  @Access('records:read', 'activity')
  @ReadRoute()
  @ApiOkResponse({ type: ActivityViewDto })
  async getLab(@IdParam() id: string, @Query() query: AttendancePageQueryDto): Promise<ActivityViewDto> {
    const view = await this.view(id, query);
    if (view.kind !== 'lab') throw new NotFound('Lab', id);
    return view;
  }

  @Get('activities/:id')
  @Access('records:read', 'activity')
  @ReadRoute()
  @ApiOkResponse({ type: ActivityViewDto })
  getActivity(@IdParam() id: string, @Query() query: AttendancePageQueryDto): Promise<ActivityViewDto> {
    return this.view(id, query);
  }

  private async view(id: string, { attendanceLimit = 50, attendanceOffset = 0 }: AttendancePageQueryDto): Promise<ActivityViewDto> {
    const { revision, entity } = await this.entities.activity(id);
    const { status, activityId, attendance, ...activity } = entity;
    return {
      id: activityId,
      revision,
      closed: status === 'closed',
      ...activity,
      attendance: {
        items: attendance.page(attendanceOffset, attendanceLimit),
        total: attendance.size,
        limit: attendanceLimit,
        offset: attendanceOffset,
      },
    };
  }
}
