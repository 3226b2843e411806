/**
 * Docker Hub's web API (hub.docker.com), read-only and anonymous: does an account exist,
 * which repositories does it have, is a tag there. Shapes follow Docker's published
 * OpenAPI description (docs.docker.com/reference/api/hub/latest/); /v2/users/NAME/ is
 * undocumented, so anything but 200 or 404 there means "could not check".
 * Every method resolves; nothing here throws for an expected failure.
 */

import {httpFetch, type FetchedResponse, type FetchLike} from './http-request.js';
import {clampSeconds, errorText, isRecord, maxListBytes, maxListItems, maxListPages, parseJson, retryAfterValue, within} from './http-util.js';
import {dockerIdProblem} from './hub-username.js';

export type HubClientOptions = {
	/** Default https://hub.docker.com */
	readonly baseUrl?: string;
	/** For tests: how requests are made (default: node:http, see http-request.ts). */
	readonly fetch?: FetchLike;
	/** Per request, default 10 s. */
	readonly timeoutMs?: number;
	readonly signal?: AbortSignal;
};

/** `did`: the request made and what came back (`GET URL → 404`), when one was made. */
export type UserCheck = {readonly status: 'exists' | 'missing' | 'unknown'; readonly message?: string; readonly did?: string};

export type HubRepository = {
	readonly namespace: string;
	readonly name: string;
	readonly description: string | null;
	readonly isPrivate: boolean;
	readonly lastUpdated: string | null;
	readonly pullCount: number | null;
};

/**
 * What Docker Hub said about its rate limit in the last answer of a listing, when it said anything:
 * `Retry-After` (or the older `X-Retry-After`) as seconds to wait, clamped to an hour;
 * `X-RateLimit-Remaining`, the requests left; `X-RateLimit-Reset`, when they are renewed (unix seconds, as sent).
 */
export type HubRateLimit = {readonly retryAfterSeconds?: number; readonly remaining?: number; readonly resetAt?: number};

/** `more`: repositories seen past the kept ones; `stoppedEarly`: the pages or bytes ran out before the list did. */
export type HubRepositoriesResult =
	| {ok: true; repositories: readonly HubRepository[]; more?: number; stoppedEarly?: boolean; rateLimit?: HubRateLimit}
	| {ok: false; message: string; status?: number; rateLimit?: HubRateLimit};
/** With `exists`: the digests Docker Hub gives for the tag (its own, then each image's), when it gives them. */
export type TagCheck = {status: 'exists' | 'missing' | 'unknown'; message?: string; digests?: readonly string[]};

/** A tag of a repository: the digest it points at and when it was last pushed, as Docker Hub says (null when it does not). */
export type HubTag = {
	readonly name: string;
	readonly digest: string | null;
	readonly lastPushed: string | null;
	readonly lastUpdated: string | null;
};

export type HubTagsResult =
	| {ok: true; tags: readonly HubTag[]; more?: number; stoppedEarly?: boolean; rateLimit?: HubRateLimit}
	| {ok: false; message: string; status?: number; rateLimit?: HubRateLimit};

/** `maxPages`: read at most this many pages (1 to the usual bound, http-util.ts), for a caller that counts its requests. */
export type HubListOptions = {readonly maxPages?: number};

export type HubClient = {
	/** GET /v2/users/NAME/ : 200 exists, 404 missing, anything else unknown ("could not check"). */
	userExists(username: string): Promise<UserCheck>;
	/** GET /v2/namespaces/NS/repositories?page_size=100, following `next` (bounded). */
	listRepositories(namespace: string, options?: HubListOptions): Promise<HubRepositoriesResult>;
	/** GET /v2/namespaces/NS/repositories/REPO/tags/TAG : 200 exists, 404 missing, 403 and the rest unknown. */
	tagExists(namespace: string, repository: string, tag: string): Promise<TagCheck>;
	/** GET /v2/namespaces/NS/repositories/REPO/tags?page_size=100, following `next` (bounded like the repositories). */
	listTags(namespace: string, repository: string, options?: HubListOptions): Promise<HubTagsResult>;
};

/** Docker's sign-up page (docs.docker.com/accounts/create-account/). */
export const HUB_SIGNUP_URL = 'https://app.docker.com/signup/';

const HUB_BASE_URL = 'https://hub.docker.com';
const defaultTimeoutMs = 10_000;
/** 100 a page (the documented maximum); the pages and bytes of one listing are bounded (http-util.ts). */
const pageSize = 100;
const namespaceName = /^[a-z0-9][a-z0-9._-]*$/;

/** The repository's page on Docker Hub; official images (library/) live under /_/. */
export function hubRepositoryUrl(namespace: string, repository: string): string {
	if (namespace === 'library') return `${HUB_BASE_URL}/_/${encodeURIComponent(repository)}`;
	return `${HUB_BASE_URL}/r/${encodeURIComponent(namespace)}/${encodeURIComponent(repository)}`;
}

/**
 * Where a personal access token is made: Docker Home, avatar, Account settings, Personal access tokens
 * (docs.docker.com/security/access-tokens/); this is the page that path opens.
 */
export function hubTokenSettingsUrl(): string {
	return 'https://app.docker.com/settings/personal-access-tokens';
}

type Listed<T> =
	| {ok: true; items: T[]; more: number; stoppedEarly: boolean; rateLimit?: HubRateLimit}
	| {ok: false; message: string; status?: number; rateLimit?: HubRateLimit};
type Reply = {readonly ok: true; readonly status: number; readonly headers: FetchedResponse['headers']; readonly json: unknown; readonly bytes: number};
type Failed = {readonly ok: false; readonly message: string};

export function createHubClient(options: HubClientOptions = {}): HubClient {
	const base = (options.baseUrl ?? HUB_BASE_URL).replace(/\/+$/, '');
	const baseOrigin = safeOrigin(base);
	const fetchImpl = options.fetch ?? httpFetch;
	const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
	const {signal} = options;

	const get = async (url: string): Promise<Reply | Failed> => {
		const answer = await within(signal, timeoutMs, async requestSignal => {
			const response = await fetchImpl(url, {headers: {Accept: 'application/json'}, signal: requestSignal, redirect: 'follow'});
			const text = await response.text();
			return {ok: true as const, status: response.status, headers: response.headers, json: parseJson(text), bytes: Buffer.byteLength(text)};
		});
		if (answer.ok) return answer.value;
		if (answer.why === 'canceled') return {ok: false, message: 'The request to Docker Hub was canceled.'};
		if (answer.why === 'timeout') return {ok: false, message: `Docker Hub did not answer within ${Math.round(timeoutMs / 100) / 10} seconds.`};
		return {ok: false, message: `Docker Hub could not be reached (${networkWords(answer.error)}). Is this computer online?`};
	};

	const userExists = async (username: string): Promise<UserCheck> => {
		try {
			const problem = dockerIdProblem(username);
			if (problem) return {status: 'missing', message: problem};
			const url = `${base}/v2/users/${encodeURIComponent(username)}/`;
			const reply = await get(url);
			const did = `GET ${url} → ${reply.ok ? reply.status : `no answer (${reply.message})`}`;
			if (!reply.ok) return {status: 'unknown', message: `Could not check the Docker ID ${username}: ${reply.message}`, did};
			if (reply.status === 200) return {status: 'exists', did};
			if (reply.status === 404) {
				return {
					status: 'missing',
					message:
						`There is no Docker Hub account ${JSON.stringify(username)}. ` +
						`Check the spelling (it is the username, not your e-mail), or sign up at ${HUB_SIGNUP_URL}.`,
					did,
				};
			}
			return {status: 'unknown', message: `Could not check the Docker ID ${username}: ${statusWords(reply)}`, did};
		} catch (error) {
			return {status: 'unknown', message: `Could not check the Docker ID ${username}: ${errorText(error)}`};
		}
	};

	/**
	 * One listing that takes pages ({count, next, previous, results}): follows `next` on the same server only, never the
	 * same page twice, and stops after `maxPages` pages or `maxListBytes`, keeping `maxListItems` entries.
	 */
	const listPages = async <T>(
		firstUrl: string,
		options: HubListOptions | undefined,
		toItem: (entry: unknown) => T | undefined,
		words: {readonly failed: string; readonly missing: string; readonly what: string},
	): Promise<Listed<T>> => {
		const items: T[] = [];
		const pagesAllowed = Math.max(1, Math.min(maxListPages, Math.floor(options?.maxPages ?? maxListPages) || 1));
		let url: string | undefined = firstUrl;
		const visited = new Set<string>();
		let bytes = 0;
		let more = 0;
		let rateLimit: HubRateLimit | undefined;
		for (let page = 0; url !== undefined && page < pagesAllowed && bytes < maxListBytes; page++) {
			visited.add(url);
			const reply = await get(url);
			if (!reply.ok) return {ok: false, message: `${words.failed}: ${reply.message}`};
			rateLimit = rateLimitOf(reply.headers) ?? rateLimit;
			const limitPart = rateLimit ? {rateLimit} : {};
			if (reply.status === 404) {
				// A page past the end answers 404 too; the first page's 404 means no such namespace (or repository).
				if (page > 0) break;
				return {ok: false, status: 404, message: words.missing, ...limitPart};
			}
			if (reply.status !== 200) return {ok: false, status: reply.status, message: `${words.failed}: ${statusWords(reply)}`, ...limitPart};
			if (!isRecord(reply.json) || !Array.isArray(reply.json.results)) {
				return {ok: false, status: reply.status, message: `Docker Hub answered ${words.what} in a shape this lab does not know.`, ...limitPart};
			}
			bytes += reply.bytes;
			for (const entry of reply.json.results) {
				const item = toItem(entry);
				if (item === undefined) continue;
				if (items.length < maxListItems) items.push(item);
				else more += 1;
			}
			const next: unknown = reply.json.next;
			url = typeof next === 'string' && next ? sameOrigin(next, baseOrigin, url) : undefined;
			if (url !== undefined && visited.has(url)) url = undefined;
		}
		return {ok: true, items, more, stoppedEarly: url !== undefined, ...(rateLimit ? {rateLimit} : {})};
	};

	const listRepositories = async (namespace: string, options?: HubListOptions): Promise<HubRepositoriesResult> => {
		try {
			if (!namespaceName.test(namespace)) {
				return {ok: false, message: `${JSON.stringify(namespace)} is not a Docker Hub account or organization name.`};
			}
			const listed = await listPages(
				`${base}/v2/namespaces/${encodeURIComponent(namespace)}/repositories?page_size=${pageSize}`,
				options,
				entry => toRepository(entry, namespace),
				{
					failed: `Could not list the repositories of ${namespace}`,
					missing: `There is no Docker Hub account or organization ${JSON.stringify(namespace)}. Check the spelling.`,
					what: `the list of ${namespace}'s repositories`,
				},
			);
			if (!listed.ok) return listed;
			const {items, more, stoppedEarly, rateLimit} = listed;
			return {ok: true, repositories: items, ...(more > 0 ? {more} : {}), ...(stoppedEarly ? {stoppedEarly} : {}), ...(rateLimit ? {rateLimit} : {})};
		} catch (error) {
			return {ok: false, message: `Could not list the repositories of ${namespace}: ${errorText(error)}`};
		}
	};

	const listTags = async (namespace: string, repository: string, options?: HubListOptions): Promise<HubTagsResult> => {
		const name = `${namespace}/${repository}`;
		try {
			if (!namespaceName.test(namespace)) {
				return {ok: false, message: `${JSON.stringify(namespace)} is not a Docker Hub account or organization name.`};
			}
			const listed = await listPages(
				`${base}/v2/namespaces/${encodeURIComponent(namespace)}/repositories/${encodeURIComponent(repository)}/tags?page_size=${pageSize}`,
				options,
				toTag,
				{
					failed: `Could not list the tags of ${name}`,
					missing: `Docker Hub has no repository ${name} (or it is private).`,
					what: `the list of ${name}'s tags`,
				},
			);
			if (!listed.ok) return listed;
			const {items, more, stoppedEarly, rateLimit} = listed;
			return {ok: true, tags: items, ...(more > 0 ? {more} : {}), ...(stoppedEarly ? {stoppedEarly} : {}), ...(rateLimit ? {rateLimit} : {})};
		} catch (error) {
			return {ok: false, message: `Could not list the tags of ${name}: ${errorText(error)}`};
		}
	};

	const tagExists = async (namespace: string, repository: string, tag: string): Promise<TagCheck> => {
		const name = `${namespace}/${repository}:${tag}`;
		try {
			const reply = await get(
				`${base}/v2/namespaces/${encodeURIComponent(namespace)}/repositories/${encodeURIComponent(repository)}/tags/${encodeURIComponent(tag)}`,
			);
			if (!reply.ok) return {status: 'unknown', message: `Could not check ${name} on Docker Hub: ${reply.message}`};
			if (reply.status === 200) {
				const digests = tagDigests(reply.json);
				return {status: 'exists', ...(digests.length > 0 ? {digests} : {})};
			}
			if (reply.status === 404) {
				return {status: 'missing', message: `Docker Hub has no ${name}: the repository or the tag is not there (yet). Did the push finish?`};
			}
			if (reply.status === 401 || reply.status === 403) {
				return {
					status: 'unknown',
					message:
						`Docker Hub would not show ${namespace}/${repository}: it is private, so the lab cannot look without your login. ` +
						`Check it on ${hubRepositoryUrl(namespace, repository)}.`,
				};
			}
			return {status: 'unknown', message: `Could not check ${name} on Docker Hub: ${statusWords(reply)}`};
		} catch (error) {
			return {status: 'unknown', message: `Could not check ${name} on Docker Hub: ${errorText(error)}`};
		}
	};

	return {userExists, listRepositories, tagExists, listTags};
}

// ---------------------------------------------------------------------------

function toRepository(entry: unknown, namespace: string): HubRepository | undefined {
	if (!isRecord(entry) || typeof entry.name !== 'string' || entry.name.length === 0) return undefined;
	return {
		namespace: typeof entry.namespace === 'string' && entry.namespace ? entry.namespace : namespace,
		name: entry.name,
		description: typeof entry.description === 'string' && entry.description.length > 0 ? entry.description : null,
		isPrivate: entry.is_private === true,
		lastUpdated: typeof entry.last_updated === 'string' && entry.last_updated ? entry.last_updated : null,
		pullCount: typeof entry.pull_count === 'number' && Number.isFinite(entry.pull_count) ? entry.pull_count : null,
	};
}

/** A tag's digest and its images' (GetRepositoryTag's `digest` and `images[].digest`), the well-formed ones only. */
function tagDigests(json: unknown): string[] {
	if (!isRecord(json)) return [];
	const images: unknown[] = Array.isArray(json.images) ? (json.images as unknown[]).slice(0, 50) : [];
	const found = [json, ...images].map(entry => (isRecord(entry) ? toTag({name: 'x', digest: entry.digest})?.digest : null));
	return [...new Set(found.filter((digest): digest is string => typeof digest === 'string'))];
}

function toTag(entry: unknown): HubTag | undefined {
	if (!isRecord(entry) || typeof entry.name !== 'string' || entry.name.length === 0) return undefined;
	const text = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 && value.length <= 256 ? value : null);
	const digest = text(entry.digest);
	return {
		name: entry.name,
		digest: digest !== null && /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/.test(digest) ? digest : null,
		lastPushed: text(entry.tag_last_pushed),
		lastUpdated: text(entry.last_updated),
	};
}

/**
 * The rate-limit headers of one answer (Docker Hub API reference, "Rate limiting"): undefined when there are none.
 * Numbers are whole and bounded; a broken value is left out.
 */
export function rateLimitOf(headers: FetchedResponse['headers'], now = Date.now()): HubRateLimit | undefined {
	const retryAfterSeconds = retryAfter(headers, now);
	const remaining = wholeNumber(headers.get('x-ratelimit-remaining'));
	const resetAt = wholeNumber(headers.get('x-ratelimit-reset'));
	if (retryAfterSeconds === undefined && remaining === undefined && resetAt === undefined) return undefined;
	return {
		...(retryAfterSeconds !== undefined ? {retryAfterSeconds} : {}),
		...(remaining !== undefined ? {remaining} : {}),
		...(resetAt !== undefined ? {resetAt} : {}),
	};
}

function wholeNumber(value: string | null | undefined): number | undefined {
	const trimmed = value?.trim();
	return trimmed && /^\d{1,15}$/.test(trimmed) ? Number(trimmed) : undefined;
}

/** What a non-200 status means, in words, with Docker Hub's own message when it sent one. */
function statusWords(reply: Reply): string {
	const said = hubMessage(reply.json);
	const saidPart = said ? ` It said: ${said}.` : '';
	if (reply.status === 429) {
		const wait = retryAfter(reply.headers);
		return `Docker Hub says too many requests; try again ${wait !== undefined ? `in ${wait} second${wait === 1 ? '' : 's'}` : 'in a minute'}.`;
	}
	if (reply.status >= 500) return `Docker Hub has a problem of its own (HTTP ${reply.status}); try again in a minute.${saidPart}`;
	return `Docker Hub answered HTTP ${reply.status}.${saidPart}`;
}

/** Retry-After is seconds (current docs); older docs describe X-Retry-After as a unix timestamp. At most an hour. */
export function retryAfter(headers: FetchedResponse['headers'], now = Date.now()): number | undefined {
	const wait = retryAfterValue(headers.get('retry-after'), now);
	if (wait !== undefined) return wait;
	const stamp = headers.get('x-retry-after')?.trim();
	if (stamp && /^\d{1,30}$/.test(stamp)) return clampSeconds(Number(stamp) - Math.floor(now / 1000));
	return undefined;
}

/** Docker Hub's error bodies: {message, errinfo} or {detail} (or {text, fields} for a bad request). */
function hubMessage(json: unknown): string | undefined {
	if (!isRecord(json)) return undefined;
	for (const key of ['message', 'detail', 'text'] as const) {
		const value = json[key];
		if (typeof value === 'string' && value.trim()) return value.trim();
	}
	return undefined;
}

function sameOrigin(next: string, origin: string | undefined, current: string): string | undefined {
	try {
		const url = new URL(next, current);
		return origin !== undefined && url.origin === origin ? url.href : undefined;
	} catch {
		return undefined;
	}
}

function safeOrigin(url: string): string | undefined {
	try {
		return new URL(url).origin;
	} catch {
		return undefined;
	}
}

function networkWords(error: unknown): string {
	let value: unknown = error;
	for (let depth = 0; depth < 5 && isRecord(value); depth++) {
		if (typeof value.code === 'string') {
			const code = value.code;
			if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'its name could not be looked up';
			if (code === 'ECONNREFUSED') return 'connection refused';
			if (code === 'ECONNRESET') return 'the connection was cut';
			if (/CERT|SELF_SIGNED|UNABLE_TO_/.test(code)) return `its certificate is not trusted: ${String(value.message)}`;
			return code;
		}
		value = value.cause;
	}
	return errorText(error);
}
