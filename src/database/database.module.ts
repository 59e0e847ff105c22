/**
 * NestJS wiring, kept thin: the database is opened (and migrated) once while the application boots,
 * and closed when it shuts down. Everything else lives in plain classes usable without Nest (the CLI).
 */
import { Global, Module, type DynamicModule, type OnModuleDestroy } from '@nestjs/common';
import type { PrismaClient } from '../generated/prisma/client.js';
import { openDatabase, type Database, type DatabaseConfig } from './database.js';
import { GradeRepository } from './grade.repository.js';

/** The open database, as an injectable. */
export class PrismaService implements OnModuleDestroy {
  constructor(readonly database: Database) {}

  get prisma(): PrismaClient {
    return this.database.prisma;
  }

  get kind(): Database['kind'] {
    return this.database.kind;
  }

  async onModuleDestroy(): Promise<void> {
    await this.database.close();
  }
}

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(config: DatabaseConfig): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: PrismaService, useFactory: async () => new PrismaService(await openDatabase(config)) },
        {
          provide: GradeRepository,
          useFactory: (service: PrismaService) => new GradeRepository(service.prisma),
          inject: [PrismaService],
        },
      ],
      exports: [PrismaService, GradeRepository],
    };
  }
}
