/**
 * The student's side of a class (`registry-lab --class HOST:PORT`): ask the class listener what the
 * class is, and send it the lab's reports. Reports wait in a queue in memory and go in the background:
 * a listener that cannot be reached never stops or slows the lesson. Loaded only with --class.
 */
import {randomUUID} from 'node:crypto';
import http from 'node:http';
import {listenerLimits, listenerPaths, type ClassInfo, type Report} from './class-types.js';
import {hostProblem} from '../registry/address.js';

/** How long the lab waits for `GET /class` before it says the class did not answer. */
export const infoTimeoutMs = 5000;
/** The longest answer to `GET /class` the lab reads. */
export const infoMaxBytes = 16 * 1024;
/** How long one `POST /reports` may take. */
export const postTimeoutMs = 3000;
/** The waits between tries while the listener cannot be reached or is busy; the last repeats. */
export const retryDelaysMs: readonly number[] = [5000, 15_000, 30_000, 60_000];

type Answer = {readonly status: number; readonly body: string; readonly retryAfter?: string};

/** One HTTP request to the listener; rejects when it cannot be reached, times out or answers more than maxBytes. */
function request(
	address: string,
	path: string,
	options: {method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string; timeoutMs: number; maxBytes: number},
): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const headers = {...options.headers, ...(options.body === undefined ? {} : {'Content-Length': String(Buffer.byteLength(options.body))})};
		const sent = http.request(`http://${address}${path}`, {method: options.method, headers}, response => {
			const chunks: Buffer[] = [];
			let size = 0;
			response.on('data', (chunk: Buffer) => {
				size += chunk.length;
				if (size > options.maxBytes) response.destroy(new Error(`the answer is larger than ${options.maxBytes} bytes`));
				else chunks.push(chunk);
			});
			response.once('error', reject);
			response.once('end', () => {
				const retryAfter = response.headers['retry-after'];
				resolve({status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ...(retryAfter ? {retryAfter} : {})});
			});
		});
		const timer = setTimeout(() => sent.destroy(new Error(`no answer within ${options.timeoutMs / 1000} s`)), options.timeoutMs);
		sent.once('close', () => clearTimeout(timer));
		sent.once('error', reject);
		sent.end(options.body);
	});
}

const lessonId = /^[a-z0-9][a-z0-9-]*$/;

/**
 * ClassInfo, or why not: every field present with its type (fields a newer listener adds are left
 * out); the name is short and one line, the registry an address (or docker.io for a Hub class), the lesson an id.
 */
export function classInfoOf(value: unknown): ClassInfo | string {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'the answer is not a JSON object';
	const record = value as Record<string, unknown>;
	const {name, kind, registry, lesson, tls} = record;
	if (typeof name !== 'string' || name.length === 0 || name.length > 100 || /[\p{Cc}]/u.test(name)) return 'the class has no usable name';
	if (kind !== 'registry' && kind !== 'hub') return 'the class is of no known kind';
	if (typeof registry !== 'string' || (kind === 'hub' ? registry !== 'docker.io' : hostProblem(registry) !== null))
		return 'the class names no usable registry';
	if (typeof lesson !== 'string' || lesson.length > 100 || !lessonId.test(lesson)) return 'the class names no usable lesson';
	if (typeof tls !== 'boolean') return 'the answer does not say whether the registry uses TLS';
	return {name, kind, registry, lesson, tls};
}

/** `GET http://HOST:PORT/class`: what the class is, or why it did not answer (for a log; the student hears one sentence). */
export async function fetchClassInfo(address: string, timeoutMs = infoTimeoutMs): Promise<{ok: true; info: ClassInfo} | {ok: false; why: string}> {
	let answer: Answer;
	try {
		answer = await request(address, listenerPaths.info, {method: 'GET', headers: {Accept: 'application/json'}, timeoutMs, maxBytes: infoMaxBytes});
	} catch (error) {
		return {ok: false, why: error instanceof Error ? error.message : String(error)};
	}
	if (answer.status !== 200) return {ok: false, why: `it answered HTTP ${answer.status}`};
	let parsed: unknown;
	try {
		parsed = JSON.parse(answer.body);
	} catch {
		return {ok: false, why: 'the answer is not JSON'};
	}
	const info = classInfoOf(parsed);
	return typeof info === 'string' ? {ok: false, why: info} : {ok: true, info};
}

/** How a report post went. */
export type PostResult =
	| {readonly kind: 'accepted'; readonly token?: string}
	/** The credentials or the token were refused. */
	| {readonly kind: 'refused'}
	/** The listener will never take this batch (400, 413): it is dropped, not tried forever. */
	| {readonly kind: 'rejected'; readonly status: number}
	/** Not reached, timed out, busy (429, 5xx): try again later. */
	| {readonly kind: 'later'; readonly unreachable: boolean; readonly retryAfterMs?: number};

export type PostReports = (reports: readonly Report[], authorization: string) => Promise<PostResult>;

const tokenShape = /^[\x21-\x7e]{16,512}$/;

/** `POST http://HOST:PORT/reports` with `{reports}`. Never throws. */
export function reportPoster(address: string, timeoutMs = postTimeoutMs): PostReports {
	return async (reports, authorization) => {
		let answer: Answer;
		try {
			answer = await request(address, listenerPaths.reports, {
				method: 'POST',
				headers: {'Content-Type': 'application/json', Authorization: authorization},
				body: JSON.stringify({reports}),
				timeoutMs,
				maxBytes: infoMaxBytes,
			});
		} catch {
			return {kind: 'later', unreachable: true};
		}
		if (answer.status === 200) {
			let token: unknown;
			try {
				token = (JSON.parse(answer.body) as {token?: unknown} | null)?.token;
			} catch {
				token = undefined;
			}
			return typeof token === 'string' && tokenShape.test(token) ? {kind: 'accepted', token} : {kind: 'accepted'};
		}
		if (answer.status === 401) return {kind: 'refused'};
		if (answer.status === 400 || answer.status === 413) return {kind: 'rejected', status: answer.status};
		const seconds = Number(answer.retryAfter);
		return {kind: 'later', unreachable: false, ...(Number.isFinite(seconds) && seconds > 0 ? {retryAfterMs: Math.min(seconds, 300) * 1000} : {})};
	};
}

export type SenderOptions = {
	readonly post: PostReports;
	/** A token kept from an earlier run of this lesson with this class. */
	readonly token?: string;
	/** A new token (keep it in the progress file), or undefined: the token was refused (forget it). */
	readonly onToken?: (token: string | undefined) => void;
	/** The first time the listener cannot be reached. */
	readonly onUnreachable?: () => void;
	/** The listener refused the credentials of a first post (they are dropped; the reports stay queued), or the token (forgotten). */
	readonly onRefused?: (what: 'credentials' | 'token') => void;
	/** Defaults: setTimeout (unref'd, so a wait never keeps the lab alive) and clearTimeout. */
	readonly setTimer?: (run: () => void, ms: number) => unknown;
	readonly clearTimer?: (timer: unknown) => void;
	readonly delaysMs?: readonly number[];
	readonly now?: () => Date;
	readonly newId?: () => string;
};

export type ReportSender = {
	/** Queue a report (its id and time are made here) and send when the lab may. */
	add(report: Omit<Report, 'id' | 'at'>): void;
	/**
	 * The login step passed with these credentials (a Docker Hub class: the Hub username and the join code):
	 * the next post goes with them (once), unless a token is held.
	 */
	loginPassed(credentials: {readonly username: string; readonly password: string}): void;
	/** Whether a post can go now or after a login: a token, or credentials waiting for their one post. */
	readonly authorized: boolean;
	/** Reports not yet accepted, oldest first. */
	pending(): readonly Report[];
	/** Try to send what is left for at most `ms`; then stop every timer. What is left stays unsent. */
	finish(ms: number): Promise<void>;
};

/**
 * The queue of reports: batches of up to 50, one post at a time, the first with Basic credentials
 * and later ones with the token the listener gave. A post that does not get through is tried again
 * after 5 s, 15 s, 30 s, then every minute; a refused token is forgotten and the reports wait for
 * the next login. Credentials live in memory only, until the one post they are for is answered.
 */
export function createReportSender(options: SenderOptions): ReportSender {
	const maxBatch = listenerLimits.maxReportsPerPost;
	const delays = options.delaysMs ?? retryDelaysMs;
	const setTimer =
		options.setTimer ??
		((run: () => void, ms: number) => {
			const timer = setTimeout(run, ms);
			timer.unref();
			return timer;
		});
	const clearTimer = options.clearTimer ?? (timer => clearTimeout(timer as NodeJS.Timeout));
	const now = options.now ?? (() => new Date());
	const newId = options.newId ?? randomUUID;

	const queue: Report[] = [];
	let token = options.token;
	let basic: string | undefined;
	let sending: Promise<void> | undefined;
	let timer: unknown;
	let failures = 0;
	let toldUnreachable = false;
	let finished = false;

	const authorization = (): string | undefined => (token ? `Bearer ${token}` : basic);

	const schedule = (ms: number): void => {
		if (finished || timer !== undefined) return;
		timer = setTimer(() => {
			timer = undefined;
			kick();
		}, ms);
	};

	const kick = (): void => {
		if (sending || timer !== undefined || queue.length === 0 || !authorization()) return;
		// The next batch goes once this post is answered (a wait to retry, or no authorization, stops it).
		sending = sendOnce().finally(() => {
			sending = undefined;
			if (!finished) kick();
		});
	};

	async function sendOnce(): Promise<void> {
		const auth = authorization();
		if (!auth) return;
		const batch = queue.slice(0, maxBatch);
		const result = await options.post(batch, auth).catch((): PostResult => ({kind: 'later', unreachable: true}));
		const usedBasic = auth === basic;
		switch (result.kind) {
			case 'accepted':
			case 'rejected':
				queue.splice(0, batch.length);
				failures = 0;
				if (usedBasic) {
					basic = undefined;
					if (result.kind === 'accepted' && result.token) {
						token = result.token;
						options.onToken?.(token);
					}
				}
				break;
			case 'refused':
				if (usedBasic) basic = undefined;
				else {
					token = undefined;
					options.onToken?.(undefined);
				}
				options.onRefused?.(usedBasic ? 'credentials' : 'token');
				break;
			case 'later':
				if (result.unreachable && !toldUnreachable) {
					toldUnreachable = true;
					options.onUnreachable?.();
				}
				schedule(result.retryAfterMs ?? delays[Math.min(failures, delays.length - 1)]!);
				failures += 1;
		}
	}

	return {
		add(report) {
			queue.push({id: newId(), at: now().toISOString(), ...report});
			if (!finished) kick();
		},
		loginPassed({username, password}) {
			if (token) return;
			basic = `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
			if (!finished) kick();
		},
		get authorized() {
			return Boolean(authorization());
		},
		pending: () => [...queue],
		async finish(ms) {
			// One more try now, even while waiting to retry: the lab is about to go.
			if (timer !== undefined) {
				clearTimer(timer);
				timer = undefined;
			}
			let stop: unknown;
			const late = new Promise<void>(resolve => (stop = setTimer(resolve, ms)));
			const drain = async (): Promise<void> => {
				for (;;) {
					if (sending) await sending;
					if (queue.length === 0 || !authorization() || timer !== undefined) return;
					kick();
					if (!sending) return;
				}
			};
			await Promise.race([drain(), late]);
			finished = true;
			clearTimer(stop);
			if (timer !== undefined) clearTimer(timer);
			timer = undefined;
			basic = undefined;
		},
	};
}
