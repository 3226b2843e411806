/**
 * Failures of the registry client: an HTTP status or a network error turned into a
 * RegistryFailure whose message says what happened and what to try.
 */
import type {FetchedResponse} from './http-request.js';
import {errorText, isRecord, parseJson, retryAfterValue} from './http-util.js';

export type RegistryFailure = {
	readonly ok: false;
	readonly reason: 'not-found' | 'unauthorized' | 'denied' | 'rate-limited' | 'network' | 'http-vs-https' | 'tls' | 'http-error';
	readonly status?: number;
	/** The registry's own error code, e.g. MANIFEST_UNKNOWN, or a network error code. */
	readonly code?: string;
	readonly message: string;
	readonly retryAfterSeconds?: number;
	/** The requests made to the registry, one line each (`HEAD URL → 404`): method, URL and status, never a header or credential. */
	readonly requests?: readonly string[];
};

/** One answer from the registry, its whole body read. */
export type Reply = {readonly ok: true; readonly status: number; readonly headers: FetchedResponse['headers']; readonly body: Buffer; readonly url: URL};

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

/** Seconds to wait from a Retry-After header: delta-seconds or an HTTP date, at most an hour. */
export function retryAfterSeconds(value: string | null, now = Date.now()): number | undefined {
	return retryAfterValue(value, now);
}

/** A reply that is not a success, in words: 401, 403, 404, 429, a server error, or HTTP where HTTPS was wanted. */
export function statusFailure(reply: Reply, title: string): RegistryFailure {
	const {code, message: said} = parseRegistryErrors(reply.body);
	const status = reply.status;
	const codePart = code ? {code} : {};
	const saidPart = said ? ` It said: ${said}.` : '';
	const plain = reply.body.toString('utf8', 0, Math.min(reply.body.length, 300));
	if (status === 400 && /HTTP request to an HTTPS server/i.test(plain)) {
		return {
			ok: false,
			reason: 'http-vs-https',
			status,
			message: `${reply.url.host} speaks HTTPS, but this request was plain HTTP. Use https for this registry.`,
		};
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
				message:
					`${title} says too many requests: wait ${wait !== undefined ? `${wait} second${wait === 1 ? '' : 's'}` : 'a while'} and try again. ` +
					'On Docker Hub, logging in raises the limit.',
			};
		}
		default:
			return {
				ok: false,
				reason: 'http-error',
				status,
				...codePart,
				message:
					status >= 500
						? `${title} has a problem of its own (HTTP ${status}); try again in a minute.${saidPart}`
						: `${title} answered HTTP ${status}.${saidPart}`,
			};
	}
}

const tlsCodes = /CERT|SELF_SIGNED|UNABLE_TO_(?:GET|VERIFY)|ALTNAME|HOSTNAME_MISMATCH|ERR_TLS_/;

/** What a thrown request error means: network, plain HTTP where HTTPS was spoken, or an untrusted certificate. */
export function fetchFailure(error: unknown, url: URL): RegistryFailure {
	const causes = causeChain(error);
	const codes = causes.map(cause => cause.code).filter((code): code is string => typeof code === 'string');
	const texts = causes.map(cause => cause.message).join(' | ');
	const code = codes[0];
	const codePart = code ? {code} : {};
	const host = url.host;
	if (
		url.protocol === 'https:' &&
		(codes.some(c => /WRONG_VERSION_NUMBER|EPROTO|PACKET_LENGTH_TOO_LONG|HTTP_REQUEST/.test(c)) ||
			/wrong version number|packet length too long|http request/i.test(texts))
	) {
		return {
			ok: false,
			reason: 'http-vs-https',
			...codePart,
			message:
				`${host} answered in plain HTTP, not HTTPS (docker says "server gave HTTP response to HTTPS client"). ` +
				`A registry that is not on this computer needs HTTPS, or must be listed in docker's "insecure-registries".`,
		};
	}
	if (codes.some(c => tlsCodes.test(c)) || /certificate/i.test(texts)) {
		const why = causes.find(cause => tlsCodes.test(cause.code ?? '') || /certificate/i.test(cause.message))?.message ?? 'certificate problem';
		return {
			ok: false,
			reason: 'tls',
			...codePart,
			message: `The HTTPS certificate of ${host} is not trusted (${why}). Docker will refuse it too, unless its CA is installed on this computer.`,
		};
	}
	const has = (...wanted: string[]) => codes.some(c => wanted.includes(c));
	if (has('ECONNREFUSED')) {
		return {
			ok: false,
			reason: 'network',
			...codePart,
			message: `Nothing answered at ${host} (connection refused). Is the registry running, and are the address and port right?`,
		};
	}
	if (has('ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL')) {
		return {
			ok: false,
			reason: 'network',
			...codePart,
			message: `The name ${url.hostname} could not be found. Check the spelling of the address, and that this computer is online.`,
		};
	}
	if (has('ETIMEDOUT', 'ENETUNREACH', 'EHOSTUNREACH', 'EHOSTDOWN')) {
		return {
			ok: false,
			reason: 'network',
			...codePart,
			message: `${host} could not be reached (${code}). Check the address, and that this computer is on the right network.`,
		};
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

export function canceledFailure(url: URL): RegistryFailure {
	return {ok: false, reason: 'network', code: 'ABORTED', message: `The request to ${url.host} was canceled.`};
}

export function timeoutFailure(url: URL, timeoutMs: number): RegistryFailure {
	const message = `${url.host} did not answer within ${seconds(timeoutMs)}. Is the address right, and is the registry running?`;
	return {ok: false, reason: 'network', code: 'TIMEOUT', message};
}

function seconds(ms: number): string {
	const s = Math.round(ms / 100) / 10;
	return `${s} second${s === 1 ? '' : 's'}`;
}
