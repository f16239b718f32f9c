import { HealthCheckResponse_ServingStatus as Status } from '@engram/contracts';
import { firstValueFrom, toArray } from 'rxjs';
import { GrpcHealthRegistry } from './health-registry';

describe('GrpcHealthRegistry', () => {
  const make = () => new GrpcHealthRegistry({ services: ['engram.v1.MemoryService'] });

  it('starts with the server and its services SERVING, and knows no others', () => {
    const r = make();
    expect(r.get('')).toBe(Status.SERVING);
    expect(r.get('engram.v1.MemoryService')).toBe(Status.SERVING);
    expect(r.get('other')).toBeUndefined();
    expect([...r.all().keys()]).toEqual(['', 'engram.v1.MemoryService']);
  });

  it('Watch sends the current status, then changes (without repeats), and ends on shutdown', async () => {
    const r = make();
    const seen = firstValueFrom(r.watch('engram.v1.MemoryService').pipe(toArray()));
    r.set('engram.v1.MemoryService', Status.SERVING);
    r.set('engram.v1.MemoryService', Status.NOT_SERVING);
    r.set('', Status.NOT_SERVING);
    r.set('engram.v1.MemoryService', Status.SERVING);
    r.beforeApplicationShutdown();
    expect(await seen).toEqual([Status.SERVING, Status.NOT_SERVING, Status.SERVING, Status.NOT_SERVING]);
    expect(r.get('')).toBe(Status.NOT_SERVING);
  });

  it('Watch of an unknown service says SERVICE_UNKNOWN, then follows it once it is known', async () => {
    const r = make();
    const seen = firstValueFrom(r.watch('later').pipe(toArray()));
    r.set('later', Status.SERVING);
    r.beforeApplicationShutdown();
    expect(await seen).toEqual([Status.SERVICE_UNKNOWN, Status.SERVING, Status.NOT_SERVING]);
  });
});
