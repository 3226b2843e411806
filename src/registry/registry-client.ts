import {createHash} from 'node:crypto';
import {isRepositoryPath, validateTag} from '../container/reference.js';
import {dockerHubApiHost, isLoopbackHost, registryApiHost, registryTitle} from './address.js';
import {httpFetch, type FetchLike} from './http-request.js';
import {errorText, isRecord, maxListBytes, maxListItems, maxListPages, parseJson, within} from './http-util.js';
import {createRegistryAuth, parseChallenge, type AuthHeader, type Method, type RegistryCredentials} from './registry-auth.js';
import {canceledFailure, fetchFailure, parseRegistryErrors, statusFailure, timeoutFailure, type RegistryFailure, type Reply} from './registry-failure.js';

/**
 * A small client for the registry HTTP API (OCI distribution): ping, HEAD a manifest,
 * list tags, list the catalog. Basic and Bearer (token) auth, as docker does it (registry-auth.ts).
 * Every method resolves; a failure is a RegistryFailure whose message a beginner can act on (registry-failure.ts).
 * The password is never put into a message.
 */

export type {RegistryCredentials} from './registry-auth.js';
export type {RegistryFailure} from './registry-failure.js';

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
	/**
	 * The certificate authority (PEM) to trust for this registry's https answers instead of the system's: a class
	 * registry's own tls/ca.crt. Given to the `fetch` of every request.
	 */
	readonly ca?: string | Buffer;
};

/** `authenticated`: credentials were given and the registry accepted them (false when none were given). */
export type PingResult =
	{readonly ok: true; readonly auth: 'none' | 'basic' | 'bearer'; readonly authenticated: boolean; readonly scheme: 'http' | 'https'} | RegistryFailure;
/** The requests an answer took, one line each (`HEAD URL → 200, Docker-Content-Digest sha256:…`): method, URL and status, never a header or credential. */
export type Requested = {readonly requests?: readonly string[]};
export type ManifestResult =
	({readonly ok: true; readonly digest: string; readonly mediaType: string | null; readonly durationMs: number} & Requested) | RegistryFailure;
/** `more`: names seen past the kept ones; `stoppedEarly`: the pages or bytes ran out before the list did. */
export type Listed = {readonly more?: number; readonly stoppedEarly?: boolean};
export type TagsResult = ({readonly ok: true; readonly tags: readonly string[]} & Listed & Requested) | RegistryFailure;
export type CatalogResult = ({readonly ok: true; readonly repositories: readonly string[]} & Listed) | RegistryFailure;
export type DeleteResult = {readonly ok: true} | RegistryFailure;

export type RegistryClient = {
	ping(): Promise<PingResult>;
	/** reference = tag or digest */
	headManifest(repository: string, reference: string): Promise<ManifestResult>;
	/** Follows Link pagination (bounded in pages and bytes, see http-util.ts). */
	listTags(repository: string): Promise<TagsResult>;
	catalog(): Promise<CatalogResult>;
	/** DELETE a manifest by its digest (every tag pointing at it goes too); the registry must allow deletes. */
	deleteManifest(repository: string, digest: string): Promise<DeleteResult>;
};

/** The Accept list docker sends for a manifest: multi-platform indexes first, then single images. */
export const MANIFEST_MEDIA_TYPES = [
	'application/vnd.oci.image.index.v1+json',
	'application/vnd.oci.image.manifest.v1+json',
	'application/vnd.docker.distribution.manifest.list.v2+json',
	'application/vnd.docker.distribution.manifest.v2+json',
] as const;

const defaultTimeoutMs = 10_000;
/** Requests told per answer (a manifest check makes at most three; a long tag list is cut). */
const maxTold = 4;

/** One request as told: `HEAD URL → 200, Docker-Content-Digest sha256:…` (a digest is public; no other header is told). */
function requestLine(method: Method, url: URL, reply: Reply): string {
	const digest = reply.headers.get('docker-content-digest');
	return `${method} ${url.href} → ${reply.status}${digest ? `, Docker-Content-Digest ${digest.slice(0, 100)}` : ''}`;
}

export function isManifestMediaType(mediaType: string | null): boolean {
	return mediaType !== null && (MANIFEST_MEDIA_TYPES as readonly string[]).includes(mediaType);
}

export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
	const apiHost = registryApiHost(options.registry);
	const scheme = options.scheme ?? (isLoopbackHost(apiHost) ? 'http' : 'https');
	const base = `${scheme}://${apiHost}`;
	const title = registryTitle(apiHost, {server: true});
	const fetchImpl = options.fetch ?? httpFetch;
	const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
	const {credentials, signal, ca} = options;

	/** One HTTP request with the per-request timeout; the whole body is read. */
	const request = async (url: URL, method: Method, headers: Record<string, string>): Promise<Reply | RegistryFailure> => {
		const answer = await within(signal, timeoutMs, async requestSignal => {
			const response = await fetchImpl(url, {method, headers, signal: requestSignal, redirect: 'follow', ...(ca ? {ca} : {})});
			const body = method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(await response.arrayBuffer());
			return {ok: true as const, status: response.status, headers: response.headers, body, url};
		});
		if (answer.ok) return answer.value;
		if (answer.why === 'canceled') return canceledFailure(url);
		if (answer.why === 'timeout') return timeoutFailure(url, timeoutMs);
		return fetchFailure(answer.error, url);
	};

	const auth = createRegistryAuth({credentials, base, title, request});
	const {basicHeader, user} = auth;

	/** Remove anything secret from a message, in case some lower layer echoed it. */
	const scrub = (failure: RegistryFailure): RegistryFailure => {
		if (!credentials) return failure;
		const hide = (text: string): string => {
			for (const secret of [credentials.password, basicHeader?.slice('Basic '.length)]) {
				if (secret && secret.length >= 4) text = text.split(secret).join('••••');
			}
			return text;
		};
		const message = hide(failure.message);
		const requests = failure.requests?.map(hide);
		return message === failure.message && requests?.join('\n') === failure.requests?.join('\n')
			? failure
			: {...failure, message, ...(requests ? {requests} : {})};
	};

	/**
	 * Run an operation so that it never throws and never leaks the password; the requests it made (told by `traced`)
	 * go with its answer.
	 */
	const guard = async <T extends {ok: true}>(work: (trail: string[]) => Promise<T | RegistryFailure>): Promise<T | RegistryFailure> => {
		const trail: string[] = [];
		const told = <R extends T | RegistryFailure>(result: R): R => (trail.length > 0 ? {...result, requests: trail} : result);
		try {
			const result = await work(trail);
			return result.ok ? told(result) : scrub(told(result));
		} catch (error) {
			return scrub(told({ok: false, reason: 'http-error', message: `Talking to ${title} went wrong unexpectedly: ${errorText(error)}`}));
		}
	};

	/** A request with its authorization, told in the trail as method, URL and what came back (never a header). */
	const traced = async (trail: string[], url: URL, method: Method, scope: string, headers: Record<string, string>) => {
		const got = await auth.authed(url, method, scope, headers);
		if (trail.length < maxTold) trail.push('reply' in got ? requestLine(method, url, got.reply) : `${method} ${url.href} → ${got.code ?? got.reason}`);
		else if (trail.length === maxTold) trail.push('…');
		return got;
	};

	/** A 401 after auth was tried, in words: wrong password, login needed, or (token accepted) no access. */
	const refused = (reply: Reply, sent: AuthHeader, what: string): RegistryFailure => {
		const failure = statusFailure(reply, title);
		if (!sent.credentialsSent) {
			return {
				...failure,
				reason: 'unauthorized',
				message:
					`${title} wants a login to see ${what}${credentials ? '' : ' (or there is no such repository)'}. ` +
					`Log in first${credentials ? '' : ', then try again'}.`,
			};
		}
		const challenge = auth.challenge();
		if (typeof challenge === 'object' && challenge.scheme === 'bearer') {
			// The sign-in service took the credentials; the registry still said no: Docker Hub's answer for a repository
			// that does not exist or that this account may not read.
			return {
				...failure,
				reason: 'denied',
				message: `${title} would not show ${what} to ${user}: it may not exist, or ${user} may not read it. Check the name (and its namespace).`,
			};
		}
		return {
			...failure,
			reason: 'unauthorized',
			message: `${title} did not accept the username ${user} with that password. Check both and try again.`,
		};
	};

	const ping = (): Promise<PingResult> =>
		guard(async () => {
			const url = new URL('/v2/', base);
			const first = await request(url, 'GET', {});
			if (!first.ok) return first;
			if (first.status >= 200 && first.status < 300) {
				auth.learn('none');
				return {ok: true, auth: 'none', authenticated: credentials !== undefined, scheme};
			}
			if (first.status !== 401) {
				const failure = statusFailure(first, title);
				if (failure.reason === 'not-found' || (failure.reason === 'http-error' && first.status < 500)) {
					return {
						...failure,
						reason: 'http-error',
						message: `${apiHost} answered, but not like a container registry (GET /v2/ gave HTTP ${first.status}). Check the address and port.`,
					};
				}
				return failure;
			}
			const learned = parseChallenge(first.headers.get('www-authenticate'));
			if (!learned) {
				return {
					ok: false,
					reason: 'http-error',
					status: 401,
					message: `${title} asks for a login but does not say how (no usable WWW-Authenticate header).`,
				};
			}
			auth.learn(learned);
			if (!credentials) return {ok: true, auth: learned.scheme, authenticated: false, scheme};
			const authorized = await auth.authorization(undefined, true);
			if (!authorized.ok) return authorized;
			const second = await request(url, 'GET', authorized.header);
			if (!second.ok) return second;
			if (second.status >= 200 && second.status < 300) return {ok: true, auth: learned.scheme, authenticated: true, scheme};
			if (second.status === 401) {
				return {
					...statusFailure(second, title),
					reason: 'unauthorized',
					message: `${title} did not accept the username ${user} with that password. Check both and try again.`,
				};
			}
			return statusFailure(second, title);
		});

	const headManifest = (repository: string, reference: string): Promise<ManifestResult> =>
		guard(async trail => {
			const started = performance.now();
			const invalid = checkName(repository) ?? checkReference(reference);
			if (invalid) return {ok: false, reason: 'not-found', message: invalid};
			const byDigest = reference.includes(':');
			const what = `${repository}${byDigest ? `@${reference}` : `:${reference}`}`;
			const url = new URL(`/v2/${pathOf(repository)}/manifests/${encodeSegment(reference)}`, base);
			const scope = `repository:${repository}:pull`;
			const accept = {Accept: MANIFEST_MEDIA_TYPES.join(', ')};
			const head = await traced(trail, url, 'HEAD', scope, accept);
			if (!('reply' in head)) return head;
			let {reply} = head;
			let digest = reply.headers.get('docker-content-digest');
			// A GET of a manifest counts as a pull on Docker Hub (a HEAD does not), so there only the tag list is asked.
			if (apiHost !== dockerHubApiHost && (reply.status === 404 || (reply.status >= 200 && reply.status < 300 && !digest))) {
				// HEAD has no body: GET tells which thing is missing (or gives the bytes to digest).
				const got = await traced(trail, url, 'GET', scope, accept);
				if (!('reply' in got)) return got;
				reply = got.reply;
				digest =
					reply.headers.get('docker-content-digest') ??
					(reply.status >= 200 && reply.status < 300 ? `sha256:${createHash('sha256').update(reply.body).digest('hex')}` : null);
			}
			if (reply.status >= 200 && reply.status < 300 && digest) {
				// Only a manifest passes: a token, a login page or any JSON after a redirect is not one, whatever its status.
				const mediaType = reply.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() || null;
				if (!isManifestMediaType(mediaType)) {
					return {
						ok: false,
						reason: 'http-error',
						status: reply.status,
						code: 'NOT_A_MANIFEST',
						message:
							`${title} answered ${what} with ` +
							`${mediaType === null ? 'no Content-Type' : `Content-Type ${JSON.stringify(mediaType.slice(0, 100))}`}, ` +
							'not an image manifest, so the lab cannot tell whether the image is there.',
					};
				}
				return {ok: true, digest, mediaType, durationMs: Math.round(performance.now() - started)};
			}
			if (reply.status === 401) return refused(reply, head.auth, what);
			const failure = statusFailure(reply, title);
			if (failure.reason === 'not-found') {
				// The distribution registry says MANIFEST_UNKNOWN for a missing repository too: the tag list tells which.
				let code = failure.code;
				let tags: string[] | undefined;
				if (code !== 'NAME_UNKNOWN') {
					const probe = await traced(trail, new URL(`/v2/${pathOf(repository)}/tags/list`, base), 'GET', scope, {Accept: 'application/json'});
					if ('reply' in probe && probe.reply.status === 404 && parseRegistryErrors(probe.reply.body).code === 'NAME_UNKNOWN') code = 'NAME_UNKNOWN';
					else if ('reply' in probe && probe.reply.status >= 200 && probe.reply.status < 300) {
						const listed = parseJson(probe.reply.body);
						tags = isRecord(listed) && Array.isArray(listed.tags) ? listed.tags.filter((tag): tag is string => typeof tag === 'string') : [];
					}
				}
				const shown =
					tags && tags.length > 0
						? ` (its tags: ${tags.slice(0, 10).join(', ')}${tags.length > 10 ? ', …' : ''})`
						: tags
							? ' (it has no tags at all)'
							: '';
				const message =
					code === 'NAME_UNKNOWN'
						? `There is no repository ${repository} on ${title}. Check the name (and its namespace), or push it first.`
						: tags && !byDigest
							? `${title} has the repository ${repository}, but no tag ${JSON.stringify(reference)} in it${shown}. ` +
								'Check the tag, or push it first.'
							: tags
								? `${title} has the repository ${repository}, but no image with the digest ${reference} in it.`
								: `${title} has no image ${what}: the ${byDigest ? 'digest' : 'tag'} or the whole repository is missing. ` +
									'Check the name, or push it first.';
				return {...failure, ...(code ? {code} : {}), message};
			}
			if (failure.reason === 'denied') {
				return {
					...failure,
					message: `${title} refused to show ${what}${credentials ? ` to ${user}` : ''}. Check the name, and that this account may read it.`,
				};
			}
			return failure;
		});

	/** GET a list and its next pages (Link rel="next", same origin, bounded). */
	type Paged = ({ok: true; items: string[]} & Listed) | RegistryFailure;
	const paged = async (trail: string[], first: URL, scope: string, key: 'tags' | 'repositories', what: string): Promise<Paged> => {
		const items: string[] = [];
		const seen = new Set<string>();
		let url: URL | undefined = first;
		let bytes = 0;
		let more = 0;
		for (let page = 0; url && page < maxListPages && bytes < maxListBytes; page++) {
			const got = await traced(trail, url, 'GET', scope, {Accept: 'application/json'});
			if (!('reply' in got)) return got;
			const {reply, auth: sent} = got;
			if (reply.status === 401) return refused(reply, sent, what);
			if (reply.status < 200 || reply.status >= 300) return statusFailure(reply, title);
			bytes += reply.body.length;
			const json = parseJson(reply.body);
			if (!isRecord(json)) {
				return {
					ok: false,
					reason: 'http-error',
					status: reply.status,
					message: `${title} answered the list of ${what} with something that is not JSON.`,
				};
			}
			const list = json[key];
			if (Array.isArray(list)) {
				for (const item of list) {
					if (typeof item !== 'string' || seen.has(item)) continue;
					if (items.length < maxListItems) {
						seen.add(item);
						items.push(item);
					} else more += 1;
				}
			}
			url = nextLink(reply.headers.get('link'), url);
		}
		return {ok: true, items, ...listedPart({more, stoppedEarly: url !== undefined})};
	};

	const listTags = (repository: string): Promise<TagsResult> =>
		guard(async trail => {
			const invalid = checkName(repository);
			if (invalid) return {ok: false, reason: 'not-found', message: invalid};
			const url = new URL(`/v2/${pathOf(repository)}/tags/list`, base);
			const listed = await paged(trail, url, `repository:${repository}:pull`, 'tags', `the tags of ${repository}`);
			if (listed.ok) return {ok: true, tags: listed.items, ...listedPart(listed)};
			if (listed.reason === 'not-found') {
				return {...listed, message: `There is no repository ${repository} on ${title}. Check the name (and its namespace), or push it first.`};
			}
			return listed;
		});

	const catalog = (): Promise<CatalogResult> =>
		guard(async trail => {
			if (apiHost === dockerHubApiHost) {
				return {
					ok: false,
					reason: 'http-error',
					message:
						'Docker Hub does not list all its repositories (it has no /v2/_catalog). ' +
						'Look at hub.docker.com/u/NAME to see one account’s repositories.',
				};
			}
			const listed = await paged(trail, new URL('/v2/_catalog', base), 'registry:catalog:*', 'repositories', 'the list of repositories');
			if (listed.ok) return {ok: true, repositories: listed.items, ...listedPart(listed)};
			if (listed.reason === 'not-found') return {...listed, message: `${title} does not offer a list of its repositories (GET /v2/_catalog gave 404).`};
			return listed;
		});

	const deleteManifest = (repository: string, digest: string): Promise<DeleteResult> =>
		guard(async () => {
			const invalid =
				checkName(repository) ?? (isDigest(digest) ? undefined : `${JSON.stringify(digest)} is not a digest: a manifest is deleted by its digest.`);
			if (invalid) return {ok: false, reason: 'not-found', message: invalid};
			const what = `${repository}@${digest}`;
			const url = new URL(`/v2/${pathOf(repository)}/manifests/${encodeSegment(digest)}`, base);
			const sent = await auth.authed(url, 'DELETE', `repository:${repository}:delete`);
			if (!('reply' in sent)) return sent;
			const {reply} = sent;
			if (reply.status >= 200 && reply.status < 300) return {ok: true};
			if (reply.status === 401) return refused(reply, sent.auth, what);
			const failure = statusFailure(reply, title);
			if (reply.status === 405 || failure.code === 'UNSUPPORTED') {
				return {...failure, message: `${title} does not allow deleting images (its storage.delete.enabled is off).`};
			}
			if (failure.reason === 'not-found') return {...failure, message: `There is no image ${what} on ${title} (already deleted?).`};
			return failure;
		});

	return {ping, headManifest, listTags, catalog, deleteManifest};
}

// ---------------------------------------------------------------------------
// Names and URLs

/** Only the bounds that were met, so a whole list reads as before. */
function listedPart(listed: Listed): Listed {
	return {...(listed.more ? {more: listed.more} : {}), ...(listed.stoppedEarly ? {stoppedEarly: true} : {})};
}

function checkName(repository: string): string | undefined {
	if (repository.length === 0) return 'The repository name is empty.';
	if (!isRepositoryPath(repository)) {
		return (
			`${JSON.stringify(repository)} is not a valid repository name: ` +
			'use lowercase letters, digits and . _ - between them, with / between parts (like alice/demo).'
		);
	}
	return undefined;
}

/** A tag (the image reference grammar) or a digest of any algorithm the registry may know. */
function checkReference(reference: string): string | undefined {
	if (validateTag(reference).ok) return undefined;
	if (isDigest(reference)) return undefined;
	return `${JSON.stringify(reference)} is neither a valid tag nor a digest.`;
}

function isDigest(reference: string): boolean {
	return /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(reference);
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
