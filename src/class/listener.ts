/**
 * The class listener: a small HTTP service (node:http only) that `class up` starts beside the class
 * registry. It takes the registry's notifications (who pushed and pulled what) and the reports of the
 * students' labs (how each step went), and appends both to the class's event log, events.jsonl, on disk
 * before it answers. It faces a classroom network: bodies are capped, accounts rate-limited, anything
 * malformed refused with a 4xx and one sanitised line in listener.log.
 */
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {open, type FileHandle} from 'node:fs/promises';
import {terminalSafe} from '../text/terminal-safe.js';
import {classPath, readClassConfig} from './class-config-file.js';
import {
	classFiles,
	instructorAccount,
	listenerLimits,
	listenerPaths,
	type ClassConfig,
	type ClassInfo,
	type ClassRecord,
	type RegistryRecord,
	type Report,
	type ReportRecord,
	type SessionRecord,
} from './class-types.js';
import {openEventLog, type EventLog, type EventLogStats} from './event-log.js';
import {Htpasswd, newReportToken, RateLimiter, readAuthorization, reportTokenPattern, sameSecret, tokenHash, type BucketSpec} from './listener-auth.js';

export type ListenerOptions = {
	/** The class folder. */
	readonly dir: string;
	readonly host: string;
	/** 0: any free port (the one taken is in the answer). */
	readonly port: number;
	/** Milliseconds since the epoch: the clock of the rate limits and of the records' times (tests hold it still). */
	readonly now?: () => number;
};

export type ListenerStats = EventLogStats & {
	/** Requests answered with a 4xx or 5xx. */
	readonly refused: number;
	/** Refusals not written to listener.log because one address sent too many. */
	readonly unlogged: number;
};

export type Listener = {
	readonly port: number;
	/** Stop taking requests, let those under way finish (a few seconds at most), and flush the log. */
	close(): Promise<void>;
	stats(): ListenerStats;
};

/** How often, as token buckets. A failed login costs a bcrypt comparison, so it is limited hardest. */
export const listenerRates = {
	/** Report posts of one account. */
	account: {burst: 60, perSecond: 20},
	/** Failed logins of one username: 5 a minute. */
	failedLoginsOfUser: {burst: 5, perSecond: 5 / 60},
	/**
	 * Failed logins from one address: 60 at once, then 20 a minute. A login is counted while its bcrypt check
	 * runs and given back when it succeeds, and a whole classroom behind one address (NAT) signs in at once.
	 */
	failedLoginsOfAddress: {burst: 60, perSecond: 20 / 60},
	/** Lines written to listener.log for one address. */
	logLinesOfAddress: {burst: 30, perSecond: 1},
} as const satisfies Record<string, BucketSpec>;

/** A slow client cannot hold the listener: the whole request within 10 s, its headers too. */
export const listenerTimeouts = {requestMs: 10_000, headersMs: 10_000, keepAliveMs: 5_000, closeGraceMs: 3_000} as const;

const maxLogLine = 300;

/** Why a request was refused: the status, what the client is told, and (when it says more) what the log says. */
type Refusal = {readonly status: number; readonly error: string; readonly reason?: string; readonly headers?: Record<string, string>};

class Refused extends Error {
	constructor(readonly refusal: Refusal) {
		super(refusal.reason ?? refusal.error);
	}
}

const refuse = (status: number, error: string, reason?: string, headers?: Record<string, string>): never => {
	throw new Refused({status, error, ...(reason ? {reason} : {}), ...(headers ? {headers} : {})});
};

/** Start the listener on host:port for the class folder `dir`. Rejects with one clear sentence when it cannot. */
export async function startListener(options: ListenerOptions): Promise<Listener> {
	const now = options.now ?? Date.now;
	const read = await readClassConfig(options.dir);
	if (!read.ok) throw new Error(read.problem);
	const config = read.value;
	const log = await openEventLog(classPath(options.dir, classFiles.events));
	let refusals: RefusalLog;
	try {
		refusals = await openRefusalLog(classPath(options.dir, classFiles.listenerLog), now);
	} catch (error) {
		await log.close();
		throw error;
	}
	const sessions = new Map<string, string>();
	for (const record of log.loaded) if (record.type === 'session') sessions.set(record.tokenHash, record.username);

	const state: ListenerState = {
		config,
		log,
		sessions,
		refusals,
		now,
		htpasswd: new Htpasswd(classPath(options.dir, classFiles.htpasswd)),
		account: new RateLimiter(listenerRates.account, now),
		failedOfUser: new RateLimiter(listenerRates.failedLoginsOfUser, now),
		failedOfAddress: new RateLimiter(listenerRates.failedLoginsOfAddress, now),
		refused: 0,
	};

	const underWay = new Set<Promise<void>>();
	const server = http.createServer(
		{
			requestTimeout: listenerTimeouts.requestMs,
			headersTimeout: listenerTimeouts.headersMs,
			keepAliveTimeout: listenerTimeouts.keepAliveMs,
			maxHeaderSize: 16 * 1024,
		},
		(request, response) => {
			const handled = handle(state, request, response);
			underWay.add(handled);
			void handled.finally(() => underWay.delete(handled));
		},
	);
	server.maxHeadersCount = 50;

	try {
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(options.port, options.host, () => {
				server.off('error', reject);
				resolve();
			});
		});
	} catch (error) {
		await log.close();
		await refusals.close();
		throw new Error(listenProblem(error, options.host, options.port), {cause: error});
	}
	// A socket error after start (a client that vanished) is that client's, not the listener's.
	server.on('clientError', (_error, socket) => {
		if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
		else socket.destroy();
	});

	let closing: Promise<void> | undefined;
	return {
		port: (server.address() as AddressInfo).port,
		stats: () => ({...log.stats(), refused: state.refused, unlogged: refusals.unlogged()}),
		close() {
			closing ??= (async () => {
				const closed = new Promise<void>(resolve => server.close(() => resolve()));
				server.closeIdleConnections();
				let timer: NodeJS.Timeout | undefined;
				const late = new Promise<void>(resolve => {
					timer = setTimeout(resolve, listenerTimeouts.closeGraceMs);
				});
				await Promise.race([Promise.all([...underWay]), late]);
				clearTimeout(timer);
				server.closeAllConnections();
				await closed;
				await log.close();
				await refusals.close();
			})();
			return closing;
		},
	};
}

function listenProblem(error: unknown, host: string, port: number): string {
	const code = (error as NodeJS.ErrnoException).code;
	if (code === 'EADDRINUSE') return `Port ${port} on ${host} is in use: stop what listens there (another class up?), or choose another port with --port.`;
	if (code === 'EADDRNOTAVAIL') return `${host} is not an address of this computer: choose one it has with --bind (0.0.0.0 is every interface).`;
	if (code === 'EACCES') return `Port ${port} on ${host} may not be used by this user: choose a port above 1023 with --port.`;
	return `The listener could not listen on ${host}:${port} (${code ?? String(error)}).`;
}

type ListenerState = {
	readonly config: ClassConfig;
	readonly log: EventLog;
	/** SHA-256 of a report token → its account. */
	readonly sessions: Map<string, string>;
	readonly refusals: RefusalLog;
	readonly now: () => number;
	readonly htpasswd: Htpasswd;
	readonly account: RateLimiter;
	readonly failedOfUser: RateLimiter;
	readonly failedOfAddress: RateLimiter;
	refused: number;
};

type Route = {readonly method: 'GET' | 'POST'; readonly answer: (state: ListenerState, request: http.IncomingMessage, address: string) => Promise<unknown>};

const routes: Record<string, Route> = {
	[listenerPaths.health]: {method: 'GET', answer: async state => ({ok: true, name: state.config.name})},
	[listenerPaths.info]: {method: 'GET', answer: async state => classInfo(state.config)},
	[listenerPaths.events]: {method: 'POST', answer: registryEvents},
	[listenerPaths.reports]: {method: 'POST', answer: reports},
};

async function handle(state: ListenerState, request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
	const address = request.socket.remoteAddress ?? 'unknown';
	const path = (request.url ?? '/').split('?')[0] ?? '/';
	try {
		const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
		if (!route) refuse(404, 'There is no such path here.', `no such path ${path.slice(0, 80)}`);
		else if (request.method !== route.method) refuse(405, `${path} takes ${route.method}.`, `${request.method ?? '?'} ${path}`, {Allow: route.method});
		else send(response, 200, await route.answer(state, request, address));
	} catch (error) {
		const refusal: Refusal =
			error instanceof Refused ? error.refusal : {status: 500, error: 'The listener failed; see listener.log.', reason: `internal: ${String(error)}`};
		state.refused += 1;
		state.refusals.write(address, refusal.status, `${request.method ?? '?'} ${path.slice(0, 80)}: ${refusal.reason ?? refusal.error}`);
		send(response, refusal.status, {error: refusal.error}, refusal.headers);
		// A body not read (too large, refused before reading) is not waited for: the connection ends with the answer.
		if (!request.complete) discard(request);
	}
}

function send(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
	if (response.headersSent) return;
	const text = JSON.stringify(body);
	response.writeHead(status, {
		'Content-Type': 'application/json; charset=utf-8',
		'Content-Length': Buffer.byteLength(text),
		'Cache-Control': 'no-store',
		'X-Content-Type-Options': 'nosniff',
		...headers,
	});
	response.end(text);
}

/** Read and throw away what is left of a refused request's body, up to a bound; past it, drop the connection. */
function discard(request: http.IncomingMessage): void {
	let left = 1024 * 1024;
	request.removeAllListeners('data');
	request.on('data', (chunk: Buffer) => {
		left -= chunk.length;
		if (left < 0) request.socket.destroy();
	});
	request.on('error', () => undefined);
	request.resume();
}

function classInfo(config: ClassConfig): ClassInfo {
	const host = config.address.includes(':') && !config.address.startsWith('[') ? `[${config.address}]` : config.address;
	return {
		name: config.name,
		kind: config.kind,
		registry: config.kind === 'hub' ? 'docker.io' : `${host}:${config.port}`,
		lesson: config.lesson,
		tls: config.tls,
	};
}

/** The body as text, at most `cap` bytes: past it, 413 at once, without reading the rest. */
function readBody(request: http.IncomingMessage, cap: number): Promise<string> {
	const declared = Number(request.headers['content-length']);
	if (Number.isFinite(declared) && declared > cap) refuse(413, `The body is larger than ${cap} bytes.`, `body of ${declared} bytes (the most is ${cap})`);
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		const onData = (chunk: Buffer) => {
			size += chunk.length;
			if (size > cap) {
				request.off('data', onData);
				request.pause();
				reject(new Refused({status: 413, error: `The body is larger than ${cap} bytes.`, reason: `body of more than ${cap} bytes`}));
				return;
			}
			chunks.push(chunk);
		};
		request.on('data', onData);
		request.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		request.once('error', () => reject(new Refused({status: 400, error: 'The request was cut short.'})));
		request.once('aborted', () => reject(new Refused({status: 400, error: 'The request was cut short.'})));
	});
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return refuse(400, 'The body is not JSON.');
	}
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const printable = (value: unknown, max: number): value is string => typeof value === 'string' && value.length <= max && /^[\x20-\x7e]*$/.test(value);
const iso = (ms: number) => new Date(ms).toISOString();

// --- POST /events: the registry's notifications ---

async function registryEvents(state: ListenerState, request: http.IncomingMessage, address: string): Promise<unknown> {
	const auth = readAuthorization(request.headers.authorization);
	if (auth.kind !== 'bearer' || !sameSecret(auth.token, state.config.notifySecret)) {
		refuse(
			401,
			'Notifications need the class secret.',
			auth.kind === 'none' ? 'a notification without the class secret' : 'a notification with a wrong secret',
		);
	}
	const body = parseJson(await readBody(request, listenerLimits.eventsBody));
	if (!isObject(body) || !Array.isArray(body.events)) return refuse(400, 'Expected {"events": [...]}.', 'a notification without an events list');
	const records: RegistryRecord[] = [];
	let malformed = 0;
	for (const event of body.events as unknown[]) {
		const record = registryRecord(event, state.now);
		if (record === 'malformed') malformed += 1;
		else if (record !== 'dropped') records.push(record);
	}
	// The registry retries a refused notification without end: an event that cannot be read is dropped, said in the log, and acknowledged.
	if (malformed > 0)
		state.refusals.write(address, 200, `POST ${listenerPaths.events}: ${malformed} event${malformed === 1 ? '' : 's'} that could not be read, dropped`);
	await append(state, records);
	return {accepted: records.length};
}

const manifestType = /manifest|image\.index/;

/** A manifest push (with a tag) or pull as a record; a blob, a delete, a push by digest only are 'dropped'. */
function registryRecord(event: unknown, now: () => number): RegistryRecord | 'dropped' | 'malformed' {
	if (!isObject(event) || !isObject(event.target)) return 'malformed';
	const {target} = event;
	if (!printable(event.id, 128) || event.id.length === 0 || typeof event.action !== 'string') return 'malformed';
	if (event.action !== 'push' && event.action !== 'pull') return 'dropped';
	const mediaType = typeof target.mediaType === 'string' ? target.mediaType : '';
	const url = typeof target.url === 'string' ? target.url : '';
	if (mediaType === 'application/octet-stream' || !(manifestType.test(mediaType) || url.includes('/manifests/'))) return 'dropped';
	if (!printable(target.repository, 256) || !/^[a-z0-9][a-z0-9._/-]*$/.test(target.repository)) return 'malformed';
	if (!printable(target.digest, 200) || !/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/.test(target.digest)) return 'malformed';
	const tag = target.tag === undefined || target.tag === '' ? undefined : target.tag;
	if (tag !== undefined && !(printable(tag, 128) && /^\w[\w.-]*$/.test(tag))) return 'malformed';
	if (event.action === 'push' && tag === undefined) return 'dropped';
	const actor = isObject(event.actor) && event.actor.name !== undefined ? event.actor.name : '';
	if (!printable(actor, 128)) return 'malformed';
	const method = isObject(event.request) && typeof event.request.method === 'string' ? event.request.method : '';
	if (!/^[A-Z]{0,10}$/.test(method)) return 'malformed';
	const instance = isObject(event.source) && printable(event.source.instanceID, 128) && event.source.instanceID !== '' ? event.source.instanceID : undefined;
	const at = printable(event.timestamp, 64) && !Number.isNaN(Date.parse(event.timestamp)) ? event.timestamp : iso(now());
	return {
		type: 'registry',
		id: event.id,
		at,
		action: event.action,
		actor,
		repository: target.repository,
		...(tag !== undefined ? {tag} : {}),
		digest: target.digest,
		method,
		...(instance !== undefined ? {instance} : {}),
	};
}

// --- POST /reports: the students' labs ---

const reportId = /^[A-Za-z0-9_-]{8,64}$/;
const lessonOrStep = /^[a-z0-9][a-z0-9-]{0,63}$/;
const causeId = /^[a-z0-9-]{1,40}$/;
const isoDate = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const reportKeys = new Set(['id', 'lesson', 'step', 'outcome', 'cause', 'at']);
const usernameShape = /^[A-Za-z0-9._-]{1,64}$/;

async function reports(state: ListenerState, request: http.IncomingMessage, address: string): Promise<unknown> {
	const auth = readAuthorization(request.headers.authorization);
	const wrong = 'The username and password, or the report token, are not right.';
	let username: string;
	let login: {username: string; password: string} | undefined;
	if (auth.kind === 'bearer') {
		const owner = reportTokenPattern.test(auth.token) ? state.sessions.get(tokenHash(auth.token)) : undefined;
		if (owner === undefined) return refuse(401, wrong, 'an unknown report token');
		if (!(await state.htpasswd.has(owner))) return refuse(401, wrong, `a report token of ${owner}, who is no longer in the class`);
		username = owner;
	} else if (auth.kind === 'basic') {
		// Said in the log only when it is an account's name: a password typed into the username field stays out of it.
		const known = usernameShape.test(auth.username) && (await state.htpasswd.has(auth.username));
		const who = known ? auth.username : 'an unknown account';
		// Keyed by at most 64 characters of the name: a flood of long made-up names cannot grow the limiter's memory much.
		const userKey = auth.username.slice(0, 64);
		const forUser = state.failedOfUser.take(userKey);
		const forAddress = state.failedOfAddress.take(address);
		if (forUser > 0 || forAddress > 0) {
			if (forUser === 0) state.failedOfUser.giveBack(userKey);
			if (forAddress === 0) state.failedOfAddress.giveBack(address);
			const wait = String(Math.max(forUser, forAddress));
			return refuse(429, 'Too many failed logins: wait, then try again.', `too many failed logins (${who})`, {'Retry-After': wait});
		}
		login = {username: auth.username, password: auth.password};
		username = auth.username;
		if (username === instructorAccount) {
			return refuse(401, wrong, 'the instructor account cannot send reports');
		}
		if (!known) {
			// Compared anyway, so an unknown name takes as long as a wrong password.
			await state.htpasswd.check(auth.username, auth.password);
			return refuse(401, wrong, 'a login of an unknown account');
		}
	} else {
		return refuse(
			401,
			'Reports need a class login or a report token.',
			auth.kind === 'none' ? 'a report without credentials' : 'a malformed Authorization header',
		);
	}

	const wait = state.account.take(username);
	if (wait > 0) {
		if (login) {
			state.failedOfUser.giveBack(login.username.slice(0, 64));
			state.failedOfAddress.giveBack(address);
		}
		return refuse(429, 'Too many reports: wait, then send again.', `too many reports from ${username}`, {'Retry-After': String(wait)});
	}
	const body = parseJson(await readBody(request, listenerLimits.reportsBody));
	const checked = readReports(body);
	if (typeof checked === 'string') return refuse(400, `The reports are not well formed: ${checked}.`, `reports of ${username}: ${checked}`);

	let token: string | undefined;
	const received = iso(state.now());
	const records: ClassRecord[] = [];
	if (login) {
		// Once per token, not per report: the lab sends its later reports with the token.
		if (!(await state.htpasswd.check(login.username, login.password))) return refuse(401, wrong, `a wrong password for ${login.username}`);
		state.failedOfUser.giveBack(login.username.slice(0, 64));
		state.failedOfAddress.giveBack(address);
		token = newReportToken();
		const session: SessionRecord = {type: 'session', id: newReportToken().slice(0, 22), at: received, username, tokenHash: tokenHash(token)};
		records.push(session);
	}
	for (const report of checked) records.push({type: 'report', ...report, username, received} satisfies ReportRecord);
	await append(state, records);
	if (token !== undefined) state.sessions.set(tokenHash(token), username);
	return token === undefined ? {accepted: checked.length} : {accepted: checked.length, token};
}

/** The reports, checked field by field; a string says what is wrong (in the listener's words, never the sender's). */
function readReports(body: unknown): Report[] | string {
	if (!isObject(body) || !Array.isArray(body.reports) || Object.keys(body).some(key => key !== 'reports')) return 'expected {"reports": [...]}';
	const list = body.reports as unknown[];
	if (list.length === 0 || list.length > listenerLimits.maxReportsPerPost) return `send 1 to ${listenerLimits.maxReportsPerPost} reports at once`;
	const checked: Report[] = [];
	for (const [index, item] of list.entries()) {
		const where = `report ${index + 1}`;
		if (!isObject(item)) return `${where} is not an object`;
		const extra = Object.keys(item).find(key => !reportKeys.has(key));
		if (extra !== undefined) return `${where} has a field this listener does not take`;
		if (typeof item.id !== 'string' || !reportId.test(item.id)) return `${where}: id must be 8-64 letters, digits, - or _`;
		if (typeof item.lesson !== 'string' || !lessonOrStep.test(item.lesson)) return `${where}: lesson is not a lesson id`;
		if (typeof item.step !== 'string' || !lessonOrStep.test(item.step)) return `${where}: step is not a step id`;
		if (item.outcome !== 'pass' && item.outcome !== 'fail' && item.outcome !== 'unknown') return `${where}: outcome must be pass, fail or unknown`;
		if (item.cause !== undefined && (typeof item.cause !== 'string' || !causeId.test(item.cause))) return `${where}: cause is not a cause id`;
		if (typeof item.at !== 'string' || item.at.length > 40 || !isoDate.test(item.at) || Number.isNaN(Date.parse(item.at))) {
			return `${where}: at is not an ISO 8601 time`;
		}
		checked.push({
			id: item.id,
			lesson: item.lesson,
			step: item.step,
			outcome: item.outcome,
			...(item.cause !== undefined ? {cause: item.cause} : {}),
			at: item.at,
		});
	}
	return checked;
}

async function append(state: ListenerState, records: readonly ClassRecord[]): Promise<void> {
	if (records.length === 0) return;
	try {
		await state.log.append(records);
	} catch (error) {
		refuse(
			503,
			'The event log could not be written: try again.',
			`events.jsonl could not be written (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
		);
	}
}

// --- listener.log ---

type RefusalLog = {write(address: string, status: number, reason: string): void; unlogged(): number; close(): Promise<void>};

/** One line per refusal: time, address, status, reason; sanitised and cut at 300 characters; an address that floods it is counted, not written. */
async function openRefusalLog(file: string, now: () => number): Promise<RefusalLog> {
	const handle: FileHandle = await open(file, 'a', 0o600);
	await handle.chmod(0o600);
	const lines = new RateLimiter(listenerRates.logLinesOfAddress, now);
	let chain = Promise.resolve();
	let unlogged = 0;
	return {
		write(address, status, reason) {
			if (lines.take(address) > 0) {
				unlogged += 1;
				return;
			}
			const raw = `${iso(now())} ${address} ${status} ${reason}`.replace(/[\r\n]+/g, ' ');
			const line = terminalSafe(raw.slice(0, maxLogLine)).slice(0, maxLogLine);
			chain = chain
				.then(() => handle.write(`${line}\n`))
				.then(
					() => undefined,
					() => undefined,
				);
		},
		unlogged: () => unlogged,
		async close() {
			await chain.catch(() => undefined);
			await handle.close();
		},
	};
}
