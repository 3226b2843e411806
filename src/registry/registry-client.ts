import {createHash} from 'node:crypto';
import {isRepositoryPath, validateTag} from '../container/reference.js';
import {dockerHubApiHost, isLoopbackHost, registryApiHost, registryTitle} from './address.js';
import {httpFetch, type FetchedResponse, type FetchLike} from './http-request.js';
import {errorText, isRecord, parseJson, within} from './http-util.js';

/**
 * A small client for the registry HTTP API (OCI distribution): ping, HEAD a manifest,
 * list tags, list the catalog. Basic and Bearer (token) auth, as docker does it.
 * Every method resolves; a failure is a RegistryFailure whose message a beginner can act on.
 * The password is never put into a message.
 */

export type RegistryCredentials = {readonly username: string; readonly password: string};

export type RegistryClientOptions = {
	/** host[:port]; 'docker.io' / 'index.docker.io' mean registry-1.docker.io. */
	readonly registry: string;
	readonly credentials?: RegistryCredentials;
	/** Default: http for 127.0.0.0/8, localhost and [::1]; https otherwise. */
	readonly scheme?: 'http' | 'https';
	/** For tests: how requests are made (default: node:http, see http-request.ts). */
	readonly fetch?: FetchLike;
	/** Per request, default 10 s. */
	readonly timeoutMs?: number;
	readonly signal?: AbortSignal;
};

export type RegistryFailure = {
	readonly ok: false;
	readonly reason: 'not-found' | 'unauthorized' | 'denied' | 'rate-limited' | 'network' | 'http-vs-https' | 'tls' | 'http-error';
	readonly status?: number;
	/** The registry's own error code, e.g. MANIFEST_UNKNOWN, or a network error code. */
	readonly code?: string;
	readonly message: string;
	readonly retryAfterSeconds?: number;
};

/** `authenticated`: credentials were given and the registry accepted them (false when none were given). */
export type PingResult = {readonly ok: true; readonly auth: 'none' | 'basic' | 'bearer'; readonly authenticated: boolean; readonly scheme: 'http' | 'https'} | RegistryFailure;
export type ManifestResult = {readonly ok: true; readonly digest: string; readonly mediaType: string | null; readonly durationMs: number} | RegistryFailure;
export type TagsResult = {readonly ok: true; readonly tags: readonly string[]} | RegistryFailure;
export type CatalogResult = {readonly ok: true; readonly repositories: readonly string[]} | RegistryFailure;

export type RegistryClient = {
	ping(): Promise<PingResult>;
	/** reference = tag or digest */
	headManifest(repository: string, reference: string): Promise<ManifestResult>;
	/** Follows Link pagination (at most 50 pages). */
	listTags(repository: string): Promise<TagsResult>;
	catalog(): Promise<CatalogResult>;
};

/** The Accept list docker sends for a manifest: multi-platform indexes first, then single images. */
export const MANIFEST_MEDIA_TYPES = [
	'application/vnd.oci.image.index.v1+json',
	'application/vnd.oci.image.manifest.v1+json',
	'application/vnd.docker.distribution.manifest.list.v2+json',
	'application/vnd.docker.distribution.manifest.v2+json',
] as const;

const defaultTimeoutMs = 10_000;
const maxPages = 50;
/** A token is used until this many seconds before it expires. */
const tokenMarginSeconds = 10;
/** The token spec's default lifetime when the token service gives none. */
const defaultTokenSeconds = 60;

// ---------------------------------------------------------------------------

type Reply = {readonly ok: true; readonly status: number; readonly headers: FetchedResponse['headers']; readonly body: Buffer; readonly url: URL};
type Challenge = {readonly scheme: 'basic'} | {readonly scheme: 'bearer'; readonly realm: string; readonly service?: string; readonly error?: string};
type AuthHeader = {readonly ok: true; readonly header: Record<string, string>; readonly credentialsSent: boolean; readonly freshToken: boolean};

export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
	const apiHost = registryApiHost(options.registry);
	const scheme = options.scheme ?? (isLoopbackHost(apiHost) ? 'http' : 'https');
	const base = `${scheme}://${apiHost}`;
	const title = registryTitle(apiHost, {server: true});
	const fetchImpl = options.fetch ?? httpFetch;
	const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
	const {credentials, signal} = options;
	const basicHeader = credentials ? `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` : undefined;
	const user = credentials ? JSON.stringify(credentials.username) : '';

	let challenge: Challenge | 'none' | undefined;
	const tokens = new Map<string, {token: string; expiresAt: number}>();

	/** Remove anything secret from a message, in case some lower layer echoed it. */
	const scrub = (failure: RegistryFailure): RegistryFailure => {
		if (!credentials) return failure;
		let message = failure.message;
		for (const secret of [credentials.password, basicHeader?.slice('Basic '.length)]) {
			if (secret && secret.length >= 4) message = message.split(secret).join('••••');
		}
		return message === failure.message ? failure : {...failure, message};
	};

	/** Run an operation so that it never throws and never leaks the password. */
	const guard = async <T extends {ok: true}>(work: () => Promise<T | RegistryFailure>): Promise<T | RegistryFailure> => {
		try {
			const result = await work();
			return result.ok ? result : scrub(result);
		} catch (error) {
			return scrub({ok: false, reason: 'http-error', message: `Talking to ${title} went wrong unexpectedly: ${errorText(error)}`});
		}
	};

	/** One HTTP request with the per-request timeout; the whole body is read. */
	const request = async (url: URL, method: 'GET' | 'HEAD', headers: Record<string, string>): Promise<Reply | RegistryFailure> => {
		const answer = await within(signal, timeoutMs, async requestSignal => {
			const response = await fetchImpl(url, {method, headers, signal: requestSignal, redirect: 'follow'});
			const body = method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(await response.arrayBuffer());
			return {ok: true as const, status: response.status, headers: response.headers, body, url};
		});
		if (answer.ok) return answer.value;
		if (answer.why === 'canceled') return canceled(url);
		if (answer.why === 'timeout') {
			return {ok: false, reason: 'network', code: 'TIMEOUT', message: `${url.host} did not answer within ${seconds(timeoutMs)}. Is the address right, and is the registry running?`};
		}
		return fetchFailure(answer.error, url);
	};

	const tokenKey = (c: {realm: string; service?: string}, scope: string | undefined) => `${c.realm}\n${c.service ?? ''}\n${scope ?? ''}`;

	/** GET realm?service=S&scope=SCOPE, Basic-authenticated when there are credentials. */
	const fetchToken = async (c: Extract<Challenge, {scheme: 'bearer'}>, scope: string | undefined): Promise<{ok: true; token: string} | RegistryFailure> => {
		let url: URL;
		try {
			url = new URL(c.realm, base);
		} catch {
			return {ok: false, reason: 'http-error', message: `${title} sent a sign-in address that is not a URL (${JSON.stringify(c.realm)}).`};
		}
		if (c.service !== undefined) url.searchParams.set('service', c.service);
		if (scope !== undefined) url.searchParams.set('scope', scope);
		const reply = await request(url, 'GET', {Accept: 'application/json', ...(basicHeader ? {Authorization: basicHeader} : {})});
		if (!reply.ok) return reply;
		if (reply.status === 401 || reply.status === 403) {
			const failure = statusFailure(reply, title);
			return {
				...failure,
				reason: 'unauthorized',
				message: credentials
					? `${title} did not accept the username ${user} with that password (its sign-in service ${url.host} said ${reply.status}${failure.code ? ` ${failure.code}` : ''}). Check both; for Docker Hub, use a personal access token as the password.`
					: `${title}'s sign-in service ${url.host} refused an anonymous token: this needs a login.`,
			};
		}
		if (reply.status < 200 || reply.status >= 300) {
			const failure = statusFailure(reply, `${title}'s sign-in service (${url.host})`);
			return failure;
		}
		const json = parseJson(reply.body);
		const token = isRecord(json) ? (typeof json.token === 'string' && json.token ? json.token : typeof json.access_token === 'string' ? json.access_token : '') : '';
		if (!token) return {ok: false, reason: 'http-error', status: reply.status, message: `${title}'s sign-in service (${url.host}) answered without a token.`};
		const expiresIn = isRecord(json) && typeof json.expires_in === 'number' && json.expires_in > 0 ? json.expires_in : defaultTokenSeconds;
		tokens.set(tokenKey(c, scope), {token, expiresAt: Date.now() + Math.max(0, expiresIn - tokenMarginSeconds) * 1000});
		return {ok: true, token};
	};

	/** The Authorization header for what we know of the registry's auth; a cached token unless `fresh`. */
	const authorization = async (scope: string | undefined, fresh: boolean): Promise<AuthHeader | RegistryFailure> => {
		if (challenge === undefined || challenge === 'none') return {ok: true, header: {}, credentialsSent: false, freshToken: false};
		if (challenge.scheme === 'basic') {
			return basicHeader ? {ok: true, header: {Authorization: basicHeader}, credentialsSent: true, freshToken: false} : {ok: true, header: {}, credentialsSent: false, freshToken: false};
		}
		const key = tokenKey(challenge, scope);
		const cached = tokens.get(key);
		if (!fresh && cached && cached.expiresAt > Date.now()) {
			return {ok: true, header: {Authorization: `Bearer ${cached.token}`}, credentialsSent: credentials !== undefined, freshToken: false};
		}
		tokens.delete(key);
		const got = await fetchToken(challenge, scope);
		if (!got.ok) return got;
		return {ok: true, header: {Authorization: `Bearer ${got.token}`}, credentialsSent: credentials !== undefined, freshToken: true};
	};

	/** A request with auth: on a 401 learn the challenge, get credentials or a token, and retry once. */
	const authed = async (url: URL, method: 'GET' | 'HEAD', scope: string | undefined, headers: Record<string, string> = {}): Promise<{reply: Reply; auth: AuthHeader} | RegistryFailure> => {
		let auth = await authorization(scope, false);
		if (!auth.ok) return auth;
		const first = await request(url, method, {...headers, ...auth.header});
		if (!first.ok || first.status !== 401) return first.ok ? {reply: first, auth} : first;
		const learned = parseChallenge(first.headers.get('www-authenticate'));
		if (!learned) return {reply: first, auth};
		const before = challenge;
		challenge = learned;
		const sameScheme = typeof before === 'object' && before.scheme === learned.scheme;
		// Retrying cannot help when the same credentials (or a token fresh from the service) were just refused.
		if (sameScheme && (learned.scheme === 'basic' ? auth.credentialsSent || !basicHeader : auth.freshToken)) return {reply: first, auth};
		if (learned.scheme === 'basic' && !basicHeader) return {reply: first, auth};
		auth = await authorization(scope, true);
		if (!auth.ok) return auth;
		const second = await request(url, method, {...headers, ...auth.header});
		return second.ok ? {reply: second, auth} : second;
	};

	/** A 401 after auth was tried, in words: wrong password, login needed, or (token accepted) no access. */
	const refused = (reply: Reply, auth: AuthHeader, what: string): RegistryFailure => {
		const failure = statusFailure(reply, title);
		if (!auth.credentialsSent) {
			return {...failure, reason: 'unauthorized', message: `${title} wants a login to see ${what}${credentials ? '' : ' (or there is no such repository)'}. Log in first${credentials ? '' : ', then try again'}.`};
		}
		if (typeof challenge === 'object' && challenge.scheme === 'bearer') {
			// The sign-in service took the credentials; the registry still said no: Docker Hub's answer for a repository
			// that does not exist or that this account may not read.
			return {...failure, reason: 'denied', message: `${title} would not show ${what} to ${user}: it may not exist, or ${user} may not read it. Check the name (and its namespace).`};
		}
		return {...failure, reason: 'unauthorized', message: `${title} did not accept the username ${user} with that password. Check both and try again.`};
	};

	const ping = (): Promise<PingResult> =>
		guard(async () => {
			const url = new URL('/v2/', base);
			const first = await request(url, 'GET', {});
			if (!first.ok) return first;
			if (first.status >= 200 && first.status < 300) {
				challenge = 'none';
				return {ok: true, auth: 'none', authenticated: credentials !== undefined, scheme};
			}
			if (first.status !== 401) {
				const failure = statusFailure(first, title);
				if (failure.reason === 'not-found' || (failure.reason === 'http-error' && first.status < 500)) {
					return {...failure, reason: 'http-error', message: `${apiHost} answered, but not like a container registry (GET /v2/ gave HTTP ${first.status}). Check the address and port.`};
				}
				return failure;
			}
			const learned = parseChallenge(first.headers.get('www-authenticate'));
			if (!learned) return {ok: false, reason: 'http-error', status: 401, message: `${title} asks for a login but does not say how (no usable WWW-Authenticate header).`};
			challenge = learned;
			if (!credentials) return {ok: true, auth: learned.scheme, authenticated: false, scheme};
			const auth = await authorization(undefined, true);
			if (!auth.ok) return auth;
			const second = await request(url, 'GET', auth.header);
			if (!second.ok) return second;
			if (second.status >= 200 && second.status < 300) return {ok: true, auth: learned.scheme, authenticated: true, scheme};
			if (second.status === 401) {
				return {...statusFailure(second, title), reason: 'unauthorized', message: `${title} did not accept the username ${user} with that password. Check both and try again.`};
			}
			return statusFailure(second, title);
		});

	const headManifest = (repository: string, reference: string): Promise<ManifestResult> =>
		guard(async () => {
			const started = performance.now();
			const invalid = checkName(repository) ?? checkReference(reference);
			if (invalid) return {ok: false, reason: 'not-found', message: invalid};
			const byDigest = reference.includes(':');
			const what = `${repository}${byDigest ? `@${reference}` : `:${reference}`}`;
			const url = new URL(`/v2/${pathOf(repository)}/manifests/${encodeSegment(reference)}`, base);
			const scope = `repository:${repository}:pull`;
			const accept = {Accept: MANIFEST_MEDIA_TYPES.join(', ')};
			const head = await authed(url, 'HEAD', scope, accept);
			if (!('reply' in head)) return head;
			let {reply} = head;
			let digest = reply.headers.get('docker-content-digest');
			// A GET of a manifest counts as a pull on Docker Hub (a HEAD does not), so there only the tag list is asked.
			if (apiHost !== dockerHubApiHost && (reply.status === 404 || (reply.status >= 200 && reply.status < 300 && !digest))) {
				// HEAD has no body: GET tells which thing is missing (or gives the bytes to digest).
				const got = await authed(url, 'GET', scope, accept);
				if (!('reply' in got)) return got;
				reply = got.reply;
				digest = reply.headers.get('docker-content-digest') ?? (reply.status >= 200 && reply.status < 300 ? `sha256:${createHash('sha256').update(reply.body).digest('hex')}` : null);
			}
			if (reply.status >= 200 && reply.status < 300 && digest) {
				const mediaType = reply.headers.get('content-type')?.split(';')[0]?.trim() || null;
				return {ok: true, digest, mediaType, durationMs: Math.round(performance.now() - started)};
			}
			if (reply.status === 401) return refused(reply, head.auth, what);
			const failure = statusFailure(reply, title);
			if (failure.reason === 'not-found') {
				// The distribution registry says MANIFEST_UNKNOWN for a missing repository too: the tag list tells which.
				let code = failure.code;
				let tags: string[] | undefined;
				if (code !== 'NAME_UNKNOWN') {
					const probe = await authed(new URL(`/v2/${pathOf(repository)}/tags/list`, base), 'GET', scope, {Accept: 'application/json'});
					if ('reply' in probe && probe.reply.status === 404 && parseRegistryErrors(probe.reply.body).code === 'NAME_UNKNOWN') code = 'NAME_UNKNOWN';
					else if ('reply' in probe && probe.reply.status >= 200 && probe.reply.status < 300) {
						const listed = parseJson(probe.reply.body);
						tags = isRecord(listed) && Array.isArray(listed.tags) ? listed.tags.filter((tag): tag is string => typeof tag === 'string') : [];
					}
				}
				const shown = tags && tags.length > 0 ? ` (its tags: ${tags.slice(0, 10).join(', ')}${tags.length > 10 ? ', …' : ''})` : tags ? ' (it has no tags at all)' : '';
				const message =
					code === 'NAME_UNKNOWN'
						? `There is no repository ${repository} on ${title}. Check the name (and its namespace), or push it first.`
						: tags && !byDigest
							? `${title} has the repository ${repository}, but no tag ${JSON.stringify(reference)} in it${shown}. Check the tag, or push it first.`
							: tags
								? `${title} has the repository ${repository}, but no image with the digest ${reference} in it.`
								: `${title} has no image ${what}: the ${byDigest ? 'digest' : 'tag'} or the whole repository is missing. Check the name, or push it first.`;
				return {...failure, ...(code ? {code} : {}), message};
			}
			if (failure.reason === 'denied') return {...failure, message: `${title} refused to show ${what}${credentials ? ` to ${user}` : ''}. Check the name, and that this account may read it.`};
			return failure;
		});

	/** GET a list and its next pages (Link rel="next", same origin, bounded). */
	const paged = async (first: URL, scope: string, key: 'tags' | 'repositories', what: string): Promise<{ok: true; items: string[]} | RegistryFailure> => {
		const items: string[] = [];
		const seen = new Set<string>();
		let url: URL | undefined = first;
		for (let page = 0; url && page < maxPages; page++) {
			const got = await authed(url, 'GET', scope, {Accept: 'application/json'});
			if (!('reply' in got)) return got;
			const {reply, auth} = got;
			if (reply.status === 401) return refused(reply, auth, what);
			if (reply.status < 200 || reply.status >= 300) return statusFailure(reply, title);
			const json = parseJson(reply.body);
			if (!isRecord(json)) return {ok: false, reason: 'http-error', status: reply.status, message: `${title} answered the list of ${what} with something that is not JSON.`};
			const list = json[key];
			if (Array.isArray(list)) {
				for (const item of list) {
					if (typeof item === 'string' && !seen.has(item)) {
						seen.add(item);
						items.push(item);
					}
				}
			}
			url = nextLink(reply.headers.get('link'), url);
		}
		return {ok: true, items};
	};

	const listTags = (repository: string): Promise<TagsResult> =>
		guard(async () => {
			const invalid = checkName(repository);
			if (invalid) return {ok: false, reason: 'not-found', message: invalid};
			const listed = await paged(new URL(`/v2/${pathOf(repository)}/tags/list`, base), `repository:${repository}:pull`, 'tags', `the tags of ${repository}`);
			if (listed.ok) return {ok: true, tags: listed.items};
			if (listed.reason === 'not-found') return {...listed, message: `There is no repository ${repository} on ${title}. Check the name (and its namespace), or push it first.`};
			return listed;
		});

	const catalog = (): Promise<CatalogResult> =>
		guard(async () => {
			if (apiHost === dockerHubApiHost) {
				return {ok: false, reason: 'http-error', message: 'Docker Hub does not list all its repositories (it has no /v2/_catalog). Look at hub.docker.com/u/NAME to see one account’s repositories.'};
			}
			const listed = await paged(new URL('/v2/_catalog', base), 'registry:catalog:*', 'repositories', 'the list of repositories');
			if (listed.ok) return {ok: true, repositories: listed.items};
			if (listed.reason === 'not-found') return {...listed, message: `${title} does not offer a list of its repositories (GET /v2/_catalog gave 404).`};
			return listed;
		});

	return {ping, headManifest, listTags, catalog};
}

// ---------------------------------------------------------------------------
// Names and URLs

function checkName(repository: string): string | undefined {
	if (repository.length === 0) return 'The repository name is empty.';
	if (!isRepositoryPath(repository)) {
		return `${JSON.stringify(repository)} is not a valid repository name: use lowercase letters, digits and . _ - between them, with / between parts (like alice/demo).`;
	}
	return undefined;
}

/** A tag (the image reference grammar) or a digest of any algorithm the registry may know. */
function checkReference(reference: string): string | undefined {
	if (validateTag(reference).ok) return undefined;
	if (/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(reference)) return undefined;
	return `${JSON.stringify(reference)} is neither a valid tag nor a digest.`;
}

function pathOf(repository: string): string {
	return repository.split('/').map(encodeSegment).join('/');
}

function encodeSegment(segment: string): string {
	return encodeURIComponent(segment).replace(/%3A/gi, ':');
}

/** The rel="next" target of a Link header, resolved against the current URL; only on the same origin. */
export function nextLink(header: string | null, current: URL): URL | undefined {
	if (!header) return undefined;
	for (const part of header.split(/,(?=\s*<)/)) {
		const match = /^\s*<([^>]*)>(.*)$/.exec(part);
		if (!match || !/;\s*rel="?(?:[^";]*\s)?next(?:\s[^";]*)?"?/i.test(match[2] ?? '')) continue;
		try {
			const next = new URL(match[1] ?? '', current);
			return next.origin === current.origin && next.href !== current.href ? next : undefined;
		} catch {
			return undefined;
		}
	}
	return undefined;
}

/** `Bearer realm="...",service="...",scope="..."` or `Basic realm="..."`. */
export function parseChallenge(header: string | null): Challenge | undefined {
	if (!header) return undefined;
	const match = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(header);
	if (!match) return undefined;
	const schemeName = (match[1] ?? '').toLowerCase();
	const params: Record<string, string> = {};
	for (const param of (match[2] ?? '').matchAll(/([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g)) {
		const name = (param[1] ?? '').toLowerCase();
		if (!(name in params)) params[name] = param[2] !== undefined ? param[2].replace(/\\(.)/g, '$1') : (param[3] ?? '');
	}
	if (schemeName === 'basic') return {scheme: 'basic'};
	if (schemeName === 'bearer' && params.realm) {
		return {scheme: 'bearer', realm: params.realm, ...(params.service !== undefined ? {service: params.service} : {}), ...(params.error ? {error: params.error} : {})};
	}
	return undefined;
}

// ---------------------------------------------------------------------------
// Failures

/** `{"errors":[{code, message, detail}]}` -> the first error. */
export function parseRegistryErrors(body: Buffer | string): {code?: string; message?: string} {
	const json = parseJson(body);
	if (!isRecord(json) || !Array.isArray(json.errors) || json.errors.length === 0) return {};
	const first: unknown = json.errors[0];
	if (!isRecord(first)) return {};
	return {
		...(typeof first.code === 'string' ? {code: first.code} : {}),
		...(typeof first.message === 'string' && first.message ? {message: first.message} : {}),
	};
}

/** Seconds to wait from a Retry-After header: delta-seconds or an HTTP date. */
export function retryAfterSeconds(value: string | null, now = Date.now()): number | undefined {
	if (!value) return undefined;
	const trimmed = value.trim();
	if (/^\d+$/.test(trimmed)) return Number(trimmed);
	const date = Date.parse(trimmed);
	return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

function statusFailure(reply: Reply, title: string): RegistryFailure {
	const {code, message: said} = parseRegistryErrors(reply.body);
	const status = reply.status;
	const codePart = code ? {code} : {};
	const saidPart = said ? ` It said: ${said}.` : '';
	const plain = reply.body.toString('utf8', 0, Math.min(reply.body.length, 300));
	if (status === 400 && /HTTP request to an HTTPS server/i.test(plain)) {
		return {ok: false, reason: 'http-vs-https', status, message: `${reply.url.host} speaks HTTPS, but this request was plain HTTP. Use https for this registry.`};
	}
	switch (status) {
		case 401:
			return {ok: false, reason: 'unauthorized', status, ...codePart, message: `${title} wants a login.${saidPart}`};
		case 403:
			return {ok: false, reason: 'denied', status, ...codePart, message: `${title} refused: this account may not do that.${saidPart}`};
		case 404:
			return {ok: false, reason: 'not-found', status, ...codePart, message: `${title} has no such thing (HTTP 404).${saidPart}`};
		case 429: {
			const wait = retryAfterSeconds(reply.headers.get('retry-after'));
			return {
				ok: false,
				reason: 'rate-limited',
				status,
				...codePart,
				...(wait !== undefined ? {retryAfterSeconds: wait} : {}),
				message: `${title} says too many requests: wait ${wait !== undefined ? `${wait} second${wait === 1 ? '' : 's'}` : 'a while'} and try again. On Docker Hub, logging in raises the limit.`,
			};
		}
		default:
			return {
				ok: false,
				reason: 'http-error',
				status,
				...codePart,
				message: status >= 500 ? `${title} has a problem of its own (HTTP ${status}); try again in a minute.${saidPart}` : `${title} answered HTTP ${status}.${saidPart}`,
			};
	}
}

const tlsCodes = /CERT|SELF_SIGNED|UNABLE_TO_(?:GET|VERIFY)|ALTNAME|HOSTNAME_MISMATCH|ERR_TLS_/;

/** What a thrown request error means: network, plain HTTP where HTTPS was spoken, or an untrusted certificate. */
function fetchFailure(error: unknown, url: URL): RegistryFailure {
	const causes = causeChain(error);
	const codes = causes.map(cause => cause.code).filter((code): code is string => typeof code === 'string');
	const texts = causes.map(cause => cause.message).join(' | ');
	const code = codes[0];
	const codePart = code ? {code} : {};
	const host = url.host;
	if (url.protocol === 'https:' && (codes.some(c => /WRONG_VERSION_NUMBER|EPROTO|PACKET_LENGTH_TOO_LONG|HTTP_REQUEST/.test(c)) || /wrong version number|packet length too long|http request/i.test(texts))) {
		return {
			ok: false,
			reason: 'http-vs-https',
			...codePart,
			message: `${host} answered in plain HTTP, not HTTPS (docker says "server gave HTTP response to HTTPS client"). A registry that is not on this computer needs HTTPS, or must be listed in docker's "insecure-registries".`,
		};
	}
	if (codes.some(c => tlsCodes.test(c)) || /certificate/i.test(texts)) {
		const why = causes.find(cause => tlsCodes.test(cause.code ?? '') || /certificate/i.test(cause.message))?.message ?? 'certificate problem';
		return {ok: false, reason: 'tls', ...codePart, message: `The HTTPS certificate of ${host} is not trusted (${why}). Docker will refuse it too, unless its CA is installed on this computer.`};
	}
	const has = (...wanted: string[]) => codes.some(c => wanted.includes(c));
	if (has('ECONNREFUSED')) return {ok: false, reason: 'network', ...codePart, message: `Nothing answered at ${host} (connection refused). Is the registry running, and are the address and port right?`};
	if (has('ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL')) {
		return {ok: false, reason: 'network', ...codePart, message: `The name ${url.hostname} could not be found. Check the spelling of the address, and that this computer is online.`};
	}
	if (has('ETIMEDOUT', 'ENETUNREACH', 'EHOSTUNREACH', 'EHOSTDOWN')) {
		return {ok: false, reason: 'network', ...codePart, message: `${host} could not be reached (${code}). Check the address, and that this computer is on the right network.`};
	}
	if (has('ECONNRESET', 'EPIPE')) {
		const hint = url.protocol === 'http:' ? ' If it only speaks HTTPS, use https.' : '';
		return {ok: false, reason: 'network', ...codePart, message: `${host} closed the connection before answering.${hint}`};
	}
	const last = causes.at(-1)?.message || errorText(error);
	return {ok: false, reason: 'network', ...codePart, message: `Could not talk to ${host}: ${last}`};
}

function causeChain(error: unknown): {code?: string; message: string}[] {
	const out: {code?: string; message: string}[] = [];
	const visit = (value: unknown, depth: number) => {
		if (depth > 6 || !isRecord(value)) return;
		out.push({...(typeof value.code === 'string' ? {code: value.code} : {}), message: typeof value.message === 'string' ? value.message : ''});
		if (Array.isArray(value.errors)) for (const inner of value.errors) visit(inner, depth + 1);
		if ('cause' in value) visit(value.cause, depth + 1);
	};
	visit(error, 0);
	return out;
}

function canceled(url: URL): RegistryFailure {
	return {ok: false, reason: 'network', code: 'ABORTED', message: `The request to ${url.host} was canceled.`};
}

// ---------------------------------------------------------------------------


function seconds(ms: number): string {
	const s = Math.round(ms / 100) / 10;
	return `${s} second${s === 1 ? '' : 's'}`;
}
