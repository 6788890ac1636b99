import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class AttachmentIdParamDto {
  /** An attachment's id, as MessageDto.attachments and POST /uploads give it. */
  @ApiProperty({ format: 'uuid', example: '0b9f3c52-7f2e-4a8b-9a51-2f1d6c3e8a47' })
  @IsUUID('all')
  id!: string;
}
