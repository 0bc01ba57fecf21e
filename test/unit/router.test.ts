/** The route table matched on the tail of the path: prefixes, captures, 405s, and ids named like routes. */
import { matchRoute } from '../../shared/http/router';
import { ROUTES } from '../../shared/routes';

const match = (method: string, path: string) => {
  const m = matchRoute(ROUTES, method, path);
  return { route: m.route?.name, params: m.params, allow: [...m.allow] };
};

describe('matchRoute over ROUTES', () => {
  it('matches each route with and without a deployment prefix', () => {
    for (const prefix of ['', '/release', '/a/b']) {
      expect(match('GET', `${prefix}/health`).route).toBe('health');
      expect(match('GET', `${prefix}/openapi.json`).route).toBe('openapi');
      expect(match('POST', `${prefix}/jobs/query`).route).toBe('jobs-query');
      expect(match('GET', `${prefix}/jobs/media/j1,j2`)).toEqual({
        route: 'jobs-by-path',
        params: { type: 'media', ids: 'j1,j2' },
        allow: ['GET', 'HEAD'],
      });
    }
  });

  it('looks up a job whose id is a route name, instead of answering that route', () => {
    expect(match('GET', '/jobs/media/health')).toEqual({
      route: 'jobs-by-path',
      params: { type: 'media', ids: 'health' },
      allow: ['GET', 'HEAD'],
    });
    expect(match('GET', '/release/jobs/pic/openapi.json').route).toBe('jobs-by-path');
  });

  it('answers which methods a known path takes when the method is wrong', () => {
    expect(match('GET', '/jobs/query')).toEqual({ route: undefined, params: {}, allow: ['POST'] });
    expect(match('DELETE', '/jobs/media/j1')).toMatchObject({ route: undefined, allow: ['GET', 'HEAD'] });
    expect(match('POST', '/health')).toMatchObject({ route: undefined, allow: ['GET', 'HEAD'] });
  });

  it('knows nothing of other paths', () => {
    for (const path of ['/', '/jobs', '/jobs/media', '/nope', '/health/extra'])
      expect(match('GET', path)).toEqual({ route: undefined, params: {}, allow: [] });
  });
});
