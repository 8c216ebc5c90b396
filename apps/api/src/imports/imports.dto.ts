import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsUUID } from 'class-validator';
import { IMPORT_KINDS, type ImportKind } from './import-columns.js';
import { MAX_IMPORT_COLUMNS, MAX_IMPORT_FILE_BYTES, MAX_IMPORT_ROWS } from './import-table.js';

const ON_ERROR = ['refuse', 'skip'] as const;

export class ImportQueryDto {
  @ApiPropertyOptional({ default: true, description: 'true: check every row and answer the report, recording nothing' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  dryRun?: boolean;

  @ApiPropertyOptional({
    enum: ON_ERROR,
    default: 'refuse',
    description: 'refuse: any invalid row refuses the whole import (422, nothing recorded); skip: the valid rows are recorded',
  })
  @IsOptional()
  @IsIn(ON_ERROR)
  onError?: (typeof ON_ERROR)[number];
}

/** The form fields beside the file, checked like any body. */
export class ImportFieldsDto {
  @ApiProperty({ enum: IMPORT_KINDS })
  @IsIn(IMPORT_KINDS)
  kind!: ImportKind;

  @ApiPropertyOptional({ format: 'uuid', description: 'The activity whose attendance is imported (attendance only)' })
  @IsOptional()
  @IsUUID()
  activityId?: string;
}

/** The multipart/form-data body, for the OpenAPI document. */
export class ImportUploadDto extends ImportFieldsDto {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description:
      `CSV (UTF-8 or Windows-1252; comma, semicolon or tab) or XLSX (first worksheet). At most ${MAX_IMPORT_FILE_BYTES} bytes, ` +
      `${MAX_IMPORT_ROWS} rows below the header and ${MAX_IMPORT_COLUMNS} columns. Headers in Swedish or English, any order, ` +
      'case and accents ignored. Formula cells are refused, never evaluated. Parsed in memory and never stored',
  })
  file!: unknown;
}

export class ImportRowErrorDto {
  @ApiProperty({ description: 'The row as the spreadsheet shows it (the header is row 1)', example: 4 })
  row!: number;

  @ApiProperty({ type: String, nullable: true, description: "The column's header as the file spells it; null for the row as a whole", example: 'Kön' })
  column!: string | null;

  @ApiProperty({ description: 'The rule the cell breaks (never its value)', example: 'must be one of kvinna/woman, man, annat/another, vill ej ange/not-stated' })
  rule!: string;
}

export class ImportReportDto {
  @ApiProperty({ format: 'uuid', description: 'Derived from the project, the kind (and activity) and the file hash: the same file is the same import' })
  importId!: string;

  @ApiProperty({ enum: IMPORT_KINDS }) kind!: ImportKind;
  @ApiPropertyOptional({ format: 'uuid' }) activityId?: string;
  @ApiProperty({ description: 'SHA-256 of the uploaded bytes, hex' }) fileSha256!: string;
  @ApiProperty({ description: 'Data rows in the file (empty rows not counted)' }) rows!: number;
  @ApiProperty() valid!: number;
  @ApiProperty() invalid!: number;
  @ApiProperty({ description: 'Rows recorded: 0 on a dry run or a refusal; on a dry run of a file already applied (alreadyApplied), what that import recorded' }) recorded!: number;
  @ApiProperty({ description: 'Invalid rows left out by onError=skip' }) skipped!: number;
  @ApiProperty({ description: 'Valid rows naming what the ledger already holds (a participant with that e-mail, an organisation with that number): not recorded again' })
  matched!: number;
  @ApiProperty({
    type: [ImportRowErrorDto],
    description: 'Every problem, in reading order. The same file sent again answers the first outcome as logged: its first 500 problems (errorCount says how many in all)',
  })
  errors!: ImportRowErrorDto[];

  @ApiProperty({ description: 'How many problems the import found in all' }) errorCount!: number;
  @ApiProperty({ description: 'SHA-256 (hex) of all the problems as JSON: the full report is answered, never stored' }) errorsSha256!: string;

  @ApiPropertyOptional({
    type: Boolean,
    enum: [true],
    description:
      'Only on a dry run of a file this project has already applied: the report is that import\'s logged outcome (applying the ' +
      'file again records nothing and answers it too); its rows were not checked again',
  })
  alreadyApplied?: boolean;

  @ApiPropertyOptional({ format: 'date-time', description: 'With alreadyApplied: when the file was applied' }) appliedAt?: string;
}

/** 422: the report, with the usual error fields. */
export class ImportRefusedDto extends OmitType(ImportReportDto, ['alreadyApplied', 'appliedAt'] as const) {
  @ApiProperty({ example: 422 }) statusCode!: number;
  @ApiProperty({ example: 'Unprocessable Entity' }) error!: string;
  @ApiProperty() message!: string;
}

export class ImportListingDto extends OmitType(ImportReportDto, ['errors', 'errorsSha256', 'alreadyApplied', 'appliedAt'] as const) {
  @ApiProperty({ description: 'Who applied it: the token or user' }) actor!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
}

export class ImportListDto {
  @ApiProperty({ type: [ImportListingDto], description: 'Applied imports, oldest first (dry runs and refusals record nothing)' })
  items!: ImportListingDto[];
}
