import {readFileSync} from 'node:fs';
import {serveHttp, type Served} from './http-server.js';

/** Docker Hub's web API, replayed on 127.0.0.1 from the bodies in test/fixtures/hub (shaped like its documentation's). */
const fixture = (name: string) => readFileSync(new URL(`../fixtures/hub/${name}.json`, import.meta.url), 'utf8');

/**
 * A Docker Hub that knows these users (GET /v2/users/NAME/ answers 200) and no one else, and the tags named in `tags`
 * (`NS/REPO:TAG` → the fixture GetRepositoryTag answers with); close with closeServers.
 */
export function serveHubReplay(users: readonly string[], tags: Readonly<Record<string, string>> = {}): Promise<Served> {
	return serveHttp((_request, response, url) => {
		const reply = (status: number, body: string): void => {
			response.writeHead(status, {'content-type': 'application/json'});
			response.end(body);
		};
		const user = /^\/v2\/users\/([^/]+)\/$/.exec(url.pathname)?.[1];
		if (user !== undefined) return reply(users.includes(user) ? 200 : 404, fixture(users.includes(user) ? 'user' : 'user-not-found'));
		const tag = /^\/v2\/namespaces\/([^/]+)\/repositories\/([^/]+)\/tags\/([^/]+)$/.exec(url.pathname);
		const known = tag ? tags[`${tag[1]}/${tag[2]}:${tag[3]}`] : undefined;
		if (known !== undefined) return reply(200, fixture(known));
		return reply(404, fixture('not-found'));
	});
}
