import {afterEach, describe, expect, it} from 'vitest';
import {withPlainHttpFallback} from '../../src/checks/checks.js';
import {createRegistryClient} from '../../src/registry/registry-client.js';
import {serveHttp, type Served} from '../helpers/http-server.js';

let served: Served | undefined;
afterEach(async () => {
	await served?.close();
	served = undefined;
});

/** A registry that speaks plain HTTP, as a class registry on a classroom address does. */
async function plainRegistry(): Promise<Served> {
	return serveHttp((request, response, url) => {
		if (url.pathname === '/v2/') return response.end('{}');
		if (url.pathname === '/v2/alice/hello/manifests/1.0') {
			response.setHeader('Content-Type', 'application/vnd.docker.distribution.manifest.v2+json');
			response.setHeader('Docker-Content-Digest', `sha256:${'ab'.repeat(32)}`);
			return response.end();
		}
		response.statusCode = 404;
		response.end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
	});
}

describe('the checks ask a registry that speaks plain HTTP again over HTTP, as the engine does for an insecure registry', () => {
	it('over HTTPS the answer is http-vs-https; with the fallback the manifest is found', async () => {
		served = await plainRegistry();
		const make = (scheme?: 'http') => createRegistryClient({registry: served!.host, scheme: scheme ?? 'https', timeoutMs: 5000});
		const secureOnly = await make().headManifest('alice/hello', '1.0');
		expect(secureOnly).toMatchObject({ok: false, reason: 'http-vs-https'});
		const answer = await withPlainHttpFallback(make).headManifest('alice/hello', '1.0');
		expect(answer).toMatchObject({ok: true, digest: `sha256:${'ab'.repeat(32)}`});
		expect(served.seen.map(seen => `${seen.method} ${seen.url.pathname}`)).toContain('HEAD /v2/alice/hello/manifests/1.0');
	});

	it('keeps any other failure as it is (a missing manifest is not asked again)', async () => {
		served = await plainRegistry();
		const calls: string[] = [];
		const make = (scheme?: 'http') => {
			calls.push(scheme ?? 'https');
			return createRegistryClient({registry: served!.host, scheme: 'http', timeoutMs: 5000});
		};
		const answer = await withPlainHttpFallback(make).headManifest('alice/hello', '2.0');
		expect(answer).toMatchObject({ok: false, reason: 'not-found'});
		expect(calls).toEqual(['https']);
	});
});
