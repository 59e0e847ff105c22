import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '../config/config.js';
import { PeopleRepository } from './people.repository.js';

/** INITIAL_INSTRUCTORS: made instructors when the api starts, so that somebody can sign in. */
@Injectable()
export class StaffSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger('StaffSeeder');

  constructor(
    @Inject(PeopleRepository) private readonly people: PeopleRepository,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const email of this.config.initialInstructors) {
      const person = await this.people.findByEmail(email);
      if (person?.role === 'instructor') continue;
      await this.people.setRole(email, 'instructor', 'INITIAL_INSTRUCTORS');
      this.logger.log(`${email} is an instructor (INITIAL_INSTRUCTORS)`);
    }
  }
}
