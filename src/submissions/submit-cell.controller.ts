import { BadRequestException, Controller, Get, Header, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/decorators.js';
import { SERVICE_CONFIG, type ServiceConfig } from '../config/config.js';
import { submitCell } from './submit-cell.js';

@ApiTags('colab')
@Controller()
export class SubmitCellController {
  constructor(@Inject(SERVICE_CONFIG) private readonly config: ServiceConfig) {}

  @Public()
  @Get('submit.py')
  @Header('Content-Type', 'text/x-python; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  @ApiOkResponse({ description: 'the Python submit cell for the last cell of the notebook' })
  cell(@Query('assignment') assignment?: string): string {
    if (assignment !== undefined && !/^[a-z0-9_]{1,64}$/.test(assignment)) {
      throw new BadRequestException('assignment: a spec id such as class_06_2');
    }
    return submitCell(this.config.publicBaseUrl, assignment ?? null);
  }
}
