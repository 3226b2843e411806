/**
 * The class view of a Docker Hub class: each student's public repositories and their tags, asked of Docker Hub's
 * web API anonymously, a few requests at a time, within Docker Hub's rate limits.
 *
 * Docker Hub allows an anonymous address only so many requests an hour and may change the figure, so the watch takes
 * the limit as unknown and follows what Docker Hub says: `Retry-After` (and a 429 without it, backing off) and
 * `X-RateLimit-Remaining: 0` pause all polling until the given time (at most an hour away); a remaining count with
 * its reset time spreads the requests left over the time left. A user is checked at most once every `minIntervalMs`,
 * round-robin; one `poll()` makes at most `concurrency × 2` requests and returns, so a dashboard calls it on a timer.
 * A repository's tags are listed again only when its `last_updated` has moved. A check that fails keeps the user's
 * last known result. Names from Docker Hub are kept as data: whoever shows them makes them terminal-safe.
 */

import type {HubClient, HubRateLimit, HubRepository, HubTag} from '../registry/hub-client.js';
import {maxServerSeconds} from '../registry/http-util.js';
import {dockerIdProblem} from '../registry/hub-username.js';

/** The Hub client calls the watch uses; without `listTags`, repositories are shown without their tags. */
export type HubWatchClient = Pick<HubClient, 'listRepositories'> & Partial<Pick<HubClient, 'listTags'>>;

export type HubWatchOptions = {
	readonly client: HubWatchClient;
	/** The class roster's Docker Hub usernames, in roster order. */
	readonly usernames: readonly string[];
	/** The clock, ms since the epoch (default Date.now): tests move it by hand. */
	readonly now?: () => number;
	/** The shortest time between two checks of one user; default 60 s. */
	readonly minIntervalMs?: number;
	/** Requests at once; default 2. */
	readonly concurrency?: number;
};

/** A tag the student pushed: `docker.io/USER/REPO:TAG`, or `docker.io/USER/REPO` while its tags are not known. */
export type HubWatchRepository = {
	readonly reference: string;
	readonly digest?: string;
	/** When it was last pushed (ISO 8601, as Docker Hub says). */
	readonly at?: string;
};

export type HubUserResult = {
	readonly username: string;
	/** ok: its public repositories are below; missing: Docker Hub has no such account; unknown: not checked (yet). */
	readonly state: 'ok' | 'missing' | 'unknown';
	readonly repositories: readonly HubWatchRepository[];
	/** When the result above was learned (ISO 8601); null before the first answer. */
	readonly checkedAt: string | null;
	/** Why the last check failed, or why the name cannot be a Docker ID; the result above is the last known one. */
	readonly problem?: string;
	/** Not every repository or tag is listed: more than a page of them, or tags still to be asked for. */
	readonly incomplete?: boolean;
};

export type HubWatchResult = {
	/** Docker Hub asked the watch to wait: no request is made before `until` (ISO 8601). */
	readonly limited: boolean;
	readonly until: string | null;
	/** Every user's last known result, in roster order. */
	readonly users: readonly HubUserResult[];
	/** The requests this call made. */
	readonly requests: number;
};

export type HubWatch = {
	/** Checks the users that are due, at most `concurrency × 2` requests, and returns every user's last known result. */
	poll(): Promise<HubWatchResult>;
	/**
	 * Tries every user once (skipping those checked less than `minIntervalMs` ago), within Docker Hub's limits and
	 * `concurrency`, starting no request after the deadline (one under way may take the client's own timeout).
	 * `complete`: every user was tried.
	 */
	pollAll(options: {readonly deadlineMs: number}): Promise<HubWatchResult & {readonly complete: boolean}>;
	/** The last known results, without a request. */
	snapshot(): HubWatchResult;
};

const defaultIntervalMs = 60_000;
const defaultConcurrency = 2;
/** One poll makes at most concurrency × this many requests. */
const requestsPerSlot = 2;
/** A check lists the tags of at most this many changed repositories (the most recently updated first); the rest wait. */
const tagListsPerCheck = 10;
/** A 429 without Retry-After (or a remaining count of 0 without a reset time) pauses this long, doubling each time. */
const firstPauseMs = 60_000;
const maxPauseMs = maxServerSeconds * 1000;

type CachedTags = {readonly lastUpdated: string | null; readonly found: readonly HubWatchRepository[]; readonly incomplete: boolean};

type Check = {
	readonly startedAt: number;
	/** Public repositories in Docker Hub's order. */
	readonly repositories: readonly HubRepository[];
	/** Those whose tags are still to be listed in this check. */
	readonly queue: HubRepository[];
	readonly listIncomplete: boolean;
};

type Watched = {
	readonly username: string;
	result: HubUserResult;
	/** When the next check may start. */
	nextAt: number;
	check?: Check;
	busy: boolean;
	readonly tags: Map<string, CachedTags>;
};

type Run = {
	readonly budget: number;
	readonly deadlineAt: number;
	/** pollAll: users whose check ended in this run, or was fresh when it began (each is tried once). */
	readonly ended?: Set<Watched>;
	requests: number;
};

export function createHubWatch(options: HubWatchOptions): HubWatch {
	const {client} = options;
	const now = options.now ?? Date.now;
	const minIntervalMs = Math.max(0, options.minIntervalMs ?? defaultIntervalMs);
	const concurrency = Math.max(1, Math.floor(options.concurrency ?? defaultConcurrency));
	const perPoll = concurrency * requestsPerSlot;

	const users: Watched[] = [];
	for (const username of new Set(options.usernames)) {
		const problem = dockerIdProblem(username);
		users.push({
			username,
			result: problem
				? {username, state: 'missing', repositories: [], checkedAt: null, problem}
				: {username, state: 'unknown', repositories: [], checkedAt: null},
			nextAt: problem ? Number.POSITIVE_INFINITY : 0,
			busy: false,
			tags: new Map(),
		});
	}

	let cursor = 0;
	let inFlight = 0;
	let pausedUntil = 0;
	let strikes = 0;
	/** Pacing from a remaining count: one request per gapMs until `until`. */
	let pace: {gapMs: number; until: number} | undefined;
	let nextSlot = Number.NEGATIVE_INFINITY;
	let running: Promise<unknown> = Promise.resolve();

	const iso = (ms: number) => new Date(ms).toISOString();

	const snapshot = (requests = 0): HubWatchResult => {
		const limited = pausedUntil > now();
		return {limited, until: limited ? iso(pausedUntil) : null, users: users.map(user => user.result), requests};
	};

	const due = (user: Watched, t: number, run: Run): boolean => {
		if (user.busy) return false;
		if (user.check) return true;
		if (run.ended?.has(user)) return false;
		return user.nextAt <= t;
	};

	/** May a request start now (pause, pacing, the run's budget and deadline)? Takes its slot when it may. */
	const takeSlot = (t: number, run: Run): boolean => {
		if (pausedUntil > t || run.requests >= run.budget || t >= run.deadlineAt || inFlight >= concurrency) return false;
		if (pace && t < pace.until) {
			if (nextSlot > t) return false;
			nextSlot = Math.max(nextSlot, t) + pace.gapMs;
		}
		run.requests += 1;
		return true;
	};

	const nextUser = (run: Run): Watched | undefined => {
		const t = now();
		for (let seen = 0; seen < users.length; seen++) {
			const index = (cursor + seen) % users.length;
			const user = users[index];
			if (!user || !due(user, t, run)) continue;
			if (!takeSlot(t, run)) return undefined;
			cursor = (index + 1) % users.length;
			return user;
		}
		return undefined;
	};

	/** What Docker Hub said about its limit, after any answer: pause, pace, or carry on. */
	const learn = (limit: HubRateLimit | undefined, status: number | undefined) => {
		const t = now();
		let waitMs: number | undefined;
		if (status === 429) {
			strikes += 1;
			waitMs = limit?.retryAfterSeconds !== undefined ? Math.max(1000, limit.retryAfterSeconds * 1000) : firstPauseMs * 2 ** Math.min(6, strikes - 1);
		} else {
			if (status !== undefined && status < 500) strikes = 0;
			if (limit?.retryAfterSeconds !== undefined && limit.retryAfterSeconds > 0) waitMs = limit.retryAfterSeconds * 1000;
		}
		const resetMs = limit?.resetAt !== undefined ? limit.resetAt * 1000 - t : undefined;
		if (limit?.remaining === 0) {
			const untilReset = resetMs !== undefined && resetMs > 0 ? resetMs : firstPauseMs;
			waitMs = Math.max(waitMs ?? 0, untilReset);
		} else if (limit?.remaining !== undefined && resetMs !== undefined && resetMs > 0) {
			const window = Math.min(resetMs, maxPauseMs);
			pace = {gapMs: window / limit.remaining, until: t + window};
		}
		if (waitMs !== undefined) pausedUntil = Math.max(pausedUntil, t + Math.min(waitMs, maxPauseMs));
	};

	/** A check ended (`ended`), goes on with another request (`going`), or waits for the pause to pass (`again`). */
	type Outcome = 'ended' | 'going' | 'again';

	const failed = (user: Watched, message: string, status: number | undefined, startedAt: number): Outcome => {
		user.result = {...user.result, problem: message};
		// A 429 keeps the check where it was: it goes on after the pause. Anything else ends it until the next interval.
		if (status === 429) return 'again';
		user.nextAt = startedAt + minIntervalMs;
		user.check = undefined;
		return 'ended';
	};

	const finish = (user: Watched, check: Check): Outcome => {
		const repositories: HubWatchRepository[] = [];
		let incomplete = check.listIncomplete;
		const names = new Set<string>();
		for (const repository of check.repositories) {
			names.add(repository.name);
			const cached = user.tags.get(repository.name);
			if (cached && cached.lastUpdated === repository.lastUpdated) {
				repositories.push(...cached.found);
				incomplete ||= cached.incomplete;
			} else {
				// Its tags are not known yet (or the client cannot list them): the repository alone.
				repositories.push({
					reference: `docker.io/${user.username}/${repository.name}`,
					...(repository.lastUpdated ? {at: repository.lastUpdated} : {}),
				});
				incomplete ||= client.listTags !== undefined;
			}
		}
		for (const name of [...user.tags.keys()]) if (!names.has(name)) user.tags.delete(name);
		user.result = {username: user.username, state: 'ok', repositories, checkedAt: iso(now()), ...(incomplete ? {incomplete} : {})};
		user.nextAt = check.startedAt + minIntervalMs;
		user.check = undefined;
		return 'ended';
	};

	const startCheck = async (user: Watched): Promise<Outcome> => {
		const startedAt = now();
		const listed = await client.listRepositories(user.username, {maxPages: 1});
		learn(listed.rateLimit, listed.ok ? 200 : listed.status);
		if (!listed.ok) {
			if (listed.status === 404) {
				user.result = {username: user.username, state: 'missing', repositories: [], checkedAt: iso(now()), problem: listed.message};
				user.tags.clear();
				user.nextAt = startedAt + minIntervalMs;
				return 'ended';
			}
			return failed(user, listed.message, listed.status, startedAt);
		}
		const repositories = listed.repositories.filter(repository => !repository.isPrivate);
		const changed = client.listTags
			? repositories
					.filter(repository => user.tags.get(repository.name)?.lastUpdated !== repository.lastUpdated || !user.tags.has(repository.name))
					.sort((a, b) => (b.lastUpdated ?? '').localeCompare(a.lastUpdated ?? ''))
					.slice(0, tagListsPerCheck)
			: [];
		const check: Check = {startedAt, repositories, queue: changed, listIncomplete: listed.stoppedEarly === true || (listed.more ?? 0) > 0};
		user.check = check;
		return check.queue.length === 0 ? finish(user, check) : 'going';
	};

	const continueCheck = async (user: Watched, check: Check): Promise<Outcome> => {
		const repository = check.queue[0];
		if (!repository || !client.listTags) return finish(user, check);
		const listed = await client.listTags(user.username, repository.name, {maxPages: 1});
		learn(listed.rateLimit, listed.ok ? 200 : listed.status);
		if (!listed.ok && listed.status !== 404) return failed(user, listed.message, listed.status, check.startedAt);
		check.queue.shift();
		// A 404 here: the repository went away between the two requests; it has no tags to show.
		const tags: readonly HubTag[] = listed.ok ? listed.tags : [];
		user.tags.set(repository.name, {
			lastUpdated: repository.lastUpdated,
			found: tags.map(tag => ({
				reference: `docker.io/${user.username}/${repository.name}:${tag.name}`,
				...(tag.digest ? {digest: tag.digest} : {}),
				...((tag.lastPushed ?? tag.lastUpdated) ? {at: tag.lastPushed ?? tag.lastUpdated ?? ''} : {}),
			})),
			incomplete: listed.ok && (listed.stoppedEarly === true || (listed.more ?? 0) > 0),
		});
		return check.queue.length === 0 ? finish(user, check) : 'going';
	};

	const step = async (user: Watched, run: Run) => {
		user.busy = true;
		inFlight += 1;
		const startedAt = user.check?.startedAt ?? now();
		try {
			const outcome = user.check ? await continueCheck(user, user.check) : await startCheck(user);
			if (outcome === 'ended') run.ended?.add(user);
		} catch (error) {
			// The client resolves its failures; this is a fault of the lab itself, kept as the user's problem.
			failed(user, error instanceof Error ? error.message : String(error), undefined, startedAt);
			run.ended?.add(user);
		} finally {
			inFlight -= 1;
			user.busy = false;
		}
	};

	const work = async (run: Run) => {
		const worker = async () => {
			for (let user = nextUser(run); user; user = nextUser(run)) await step(user, run);
		};
		await Promise.all(Array.from({length: concurrency}, worker));
	};

	/** One run at a time: a poll while another runs waits for it, so `concurrency` holds across calls. */
	const exclusive = <T>(body: () => Promise<T>): Promise<T> => {
		const next = running.then(body, body);
		running = next.catch(() => undefined);
		return next;
	};

	const poll = () =>
		exclusive(async () => {
			const run: Run = {budget: perPoll, deadlineAt: Number.POSITIVE_INFINITY, requests: 0};
			await work(run);
			return snapshot(run.requests);
		});

	const pollAll = ({deadlineMs}: {readonly deadlineMs: number}) =>
		exclusive(async () => {
			const start = now();
			const ended = new Set<Watched>();
			// Users checked less than minIntervalMs ago count as tried: their result is fresh.
			for (const user of users) if (user.nextAt > start && !user.check) ended.add(user);
			const run: Run = {budget: Number.POSITIVE_INFINITY, deadlineAt: start + Math.max(0, deadlineMs), ended, requests: 0};
			await work(run);
			const complete = users.every(user => ended.has(user));
			return {...snapshot(run.requests), complete};
		});

	return {poll, pollAll, snapshot: () => snapshot()};
}
