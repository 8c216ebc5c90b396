import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

export class FunderReportQueryDto {
  @ApiPropertyOptional({ enum: ['json', 'xlsx'], default: 'json', description: 'JSON, or an Excel workbook of the same figures and digest' })
  @IsOptional()
  @IsIn(['json', 'xlsx'])
  format?: 'json' | 'xlsx';

  @ApiPropertyOptional({ enum: ['en', 'sv'], default: 'en', description: 'Language of indicator names, units and (in the workbook) headers' })
  @IsOptional()
  @IsIn(['en', 'sv'])
  lang?: 'en' | 'sv';
}
