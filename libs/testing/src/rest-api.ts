import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { RestApiModule } from '@engram/api-rest';
import { useJsonBody } from '@engram/platform';
import type { MemoryApi } from '@engram/memory-core';

/**
 * The REST API as the apps serve it (RestApiModule with its envelope error filter, the JSON body parser
 * of `useJsonBody`) over the given memory core, for controller specs.
 */
export async function startRestApi(memory: MemoryApi, defaultTenant: string): Promise<INestApplication> {
  const nest = await NestFactory.create<NestExpressApplication>(
    RestApiModule.register({
      memory,
      options: { service: 'engram', version: 'test', defaultTenant, describe: () => ({}) },
    }),
    { bodyParser: false, logger: false },
  );
  useJsonBody(nest, '16kb');
  return nest.init();
}
