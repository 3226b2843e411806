/**
 * Preloaded into a lab started from source (`node --import tsx --import ./test/helpers/hub-redirect.ts`):
 * its requests to hub.docker.com go to the Docker Hub replay at REGISTRY_LAB_TEST_HUB_ORIGIN
 * (test/helpers/hub-replay.ts), over plain http. Nothing else changes: the lab is not told.
 */
import http from 'node:http';
import https from 'node:https';

const origin = process.env.REGISTRY_LAB_TEST_HUB_ORIGIN;
if (origin) {
	const real = https.request;
	const replay = new URL(origin);
	https.request = ((...args: Parameters<typeof https.request>) => {
		const [first, ...rest] = args;
		const url = first instanceof URL ? first : typeof first === 'string' ? new URL(first) : undefined;
		if (url?.hostname !== 'hub.docker.com') return real(...args);
		return (http.request as (...all: unknown[]) => http.ClientRequest)(new URL(`${url.pathname}${url.search}`, replay), ...rest);
	}) as typeof https.request;
}
