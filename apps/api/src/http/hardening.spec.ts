import { Body, Controller, Post } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AcceptsBodies, harden } from './hardening.js';

@Controller('test')
class BodiesController {
  @Post('json')
  json(@Body() body: unknown) {
    return { got: body };
  }

  /** What a future upload route looks like: JSON as everywhere, and multipart because it says so. */
  @Post('upload')
  @AcceptsBodies('multipart/form-data')
  upload(@Body() body: unknown) {
    return { got: typeof body === 'string' ? 'multipart' : body };
  }
}

describe('which bodies a write route takes', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    const module = await Test.createTestingModule({ controllers: [BodiesController] }).compile();
    app = module.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    const fastify = app.getHttpAdapter().getInstance();
    harden(fastify);
    // Stands in for the multipart parser an upload route would register.
    fastify.addContentTypeParser('multipart/form-data', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    await app.init();
    await fastify.ready();
  });
  afterAll(() => app.close());

  const multipart = (url: string) =>
    request(app.getHttpServer())
      .post(url)
      .set('Content-Type', 'multipart/form-data; boundary=x')
      .send('--x\r\nContent-Disposition: form-data; name="file"; filename="deltagare.xlsx"\r\n\r\nPK\r\n--x--\r\n');

  it('answers 415 to multipart on a route that does not say it takes it', async () => {
    const refused = await multipart('/test/json').expect(415);
    expect(refused.body.message).toBe('This route accepts application/json bodies only (got multipart/form-data)');
  });

  it('lets a route marked with AcceptsBodies take multipart, and JSON still', async () => {
    expect((await multipart('/test/upload').expect(201)).body).toEqual({ got: 'multipart' });
    expect((await request(app.getHttpServer()).post('/test/upload').send({ a: 1 }).expect(201)).body).toEqual({ got: { a: 1 } });
    await request(app.getHttpServer()).post('/test/upload').set('Content-Type', 'text/plain').send('hej').expect(415);
  });
});
