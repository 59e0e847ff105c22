import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { GRADER_VERSION } from '../grading/grader.version.js';

/** OpenAPI document and Swagger UI at /api/docs (JSON at /api/docs-json). Public: it holds no data. */
export function setupOpenApi(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('BIO 1173 grader')
      .setDescription(
        'Uploads of the course\'s lesson notebooks and PDF prints, their grades (the JSON contract of the CLI), sign-in and roster. ' +
          'Authenticate with the session token from POST /api/auth/google (Bearer or the grader_session cookie); ' +
          'the Colab submit cell sends a Google access token to POST /api/colab/submissions instead.',
      )
      .setVersion(GRADER_VERSION)
      .addBearerAuth()
      .addCookieAuth('grader_session')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document);
}
