/**
 * What the class view is made from, read from the class folder: the class, its students (usernames
 * only: accounts.csv's passwords are dropped as it is read), the lesson's steps, the event log read
 * as it grows, and the catalog scan. `class status`, `class export` and `class dashboard` share it.
 */
import {findLesson, lessonProblem} from '../lesson/find.js';
import {stepsFor} from '../lesson/steps.js';
import {createHubClient} from '../registry/hub-client.js';
import {joinLine, readAccounts, readClassConfig, classPath} from './class-config-file.js';
import {createLogReader} from './class-log-read.js';
import {readClassCa, scanClass} from './class-scan.js';
import {createHubWatch, type HubWatch, type HubWatchOptions, type HubWatchResult} from './hub-watch.js';
import {createRegistryLogReader, type LoginFailure} from './registry-log-read.js';
import {classFiles, type ClassConfig, type ClassRecord} from './class-types.js';
import {classView, type ClassView, type HubState, type ScannedImage, type ViewStep} from './class-view.js';

export type {HubState} from './class-view.js';

export type OpenedClass = {
	readonly dir: string;
	readonly config: ClassConfig;
	readonly students: readonly string[];
	readonly steps: readonly ViewStep[];
};

/** The class folder's class, students and steps; a problem says what is wrong and what to do. */
export async function openClass(dir: string): Promise<{ok: true; value: OpenedClass} | {ok: false; problem: string}> {
	const config = await readClassConfig(dir);
	if (!config.ok) return config;
	const accounts = await readAccounts(dir);
	if (!accounts.ok) return accounts;
	const found = await findLesson(config.value.lesson);
	if (!found.ok) return {ok: false, problem: `class.json names the lesson '${config.value.lesson}': ${lessonProblem(found)}`};
	const steps = stepsFor(found.lesson, config.value.kind === 'registry' ? 'class' : 'hub').map(step => ({
		id: step.id,
		title: step.title,
		...(step.command?.args[0] === 'login' ? {login: true} : {}),
	}));
	return {ok: true, value: {dir, config: config.value, students: accounts.value.map(account => account.username), steps}};
}

/** Where students reach the class registry, and the line they type to join. */
export function classAddresses(config: ClassConfig): {registry: string; joinLine: string} {
	return {
		registry: config.kind === 'registry' ? `${config.address}:${config.port}` : 'docker.io',
		joinLine: joinLine(config),
	};
}

export type ScanState = {readonly images?: readonly ScannedImage[]; readonly problem?: string; readonly partial?: boolean};

/** The class as it is read so far: read() takes what the log gained, rescan() the catalog, pollHub() Docker Hub; view(now) folds it. */
export type ClassFeed = {
	read(): Promise<{changed: boolean; problem?: string}>;
	rescan(): Promise<ScanState>;
	/** A Docker Hub class: the students that are due, within Docker Hub's limits (a registry class: nothing, undefined). */
	pollHub(): Promise<HubState | undefined>;
	/** A Docker Hub class: every student once, starting no request after `deadlineMs`. */
	pollHubAll(deadlineMs: number): Promise<HubState | undefined>;
	view(now: number): ClassView;
	readonly scan: ScanState;
	/** A Docker Hub class's watch, as last heard; undefined for a registry class. */
	readonly hub: HubState | undefined;
	readonly skipped: number;
};

export type ClassFeedOptions = {
	/** Docker Hub's web API somewhere else (createHubClient's baseUrl): tests point it at a replay server. */
	readonly hubBaseUrl?: string;
	/** Per Docker Hub request; default 5 s (class status keeps it under its deadline). */
	readonly hubTimeoutMs?: number;
	/** The Hub watch's clock and pacing, for tests. */
	readonly hubWatch?: Pick<HubWatchOptions, 'now' | 'minIntervalMs' | 'concurrency'>;
};

/** What the Hub watch found, as images of the class view: `docker.io/USER/REPO:TAG` as USER/REPO and TAG, newest first. */
export function hubImages(result: HubWatchResult): ScannedImage[] {
	const images: ScannedImage[] = [];
	for (const user of result.users) {
		for (const found of user.repositories) {
			const name = found.reference.replace(/^docker\.io\//, '');
			const colon = name.lastIndexOf(':');
			const tagged = colon > name.lastIndexOf('/');
			images.push({
				repository: tagged ? name.slice(0, colon) : name,
				tag: tagged ? name.slice(colon + 1) : '',
				digest: found.digest ?? '',
				...(found.at ? {at: found.at} : {}),
			});
		}
	}
	const when = (image: ScannedImage): number => (image.at ? Date.parse(image.at) || 0 : 0);
	return images.sort((a, b) => when(b) - when(a));
}

/** `tried`: the watch tried every student; complete only when each was also read (or has no account to read). */
function hubState(result: HubWatchResult, tried: boolean): HubState {
	const unread = result.users.filter(user => user.state === 'unknown' || (user.state === 'ok' && user.problem !== undefined));
	const problem = unread.find(user => user.problem !== undefined)?.problem;
	return {
		complete: tried && unread.length === 0,
		limited: result.limited,
		until: result.until,
		missing: result.users.filter(user => user.state === 'missing').map(user => user.username),
		...(problem ? {problem} : {}),
	};
}

export function createClassFeed(opened: OpenedClass, stuckMinutes: number, options: ClassFeedOptions = {}): ClassFeed {
	const reader = createLogReader(classPath(opened.dir, classFiles.events));
	const registryLog = createRegistryLogReader(classPath(opened.dir, classFiles.registryLog));
	const records: ClassRecord[] = [];
	const loginFailures: LoginFailure[] = [];
	let scan: ScanState = {};
	let skipped = 0;
	const watch: HubWatch | undefined =
		opened.config.kind === 'hub'
			? createHubWatch({
					client: createHubClient({timeoutMs: options.hubTimeoutMs ?? 5000, ...(options.hubBaseUrl ? {baseUrl: options.hubBaseUrl} : {})}),
					usernames: opened.students,
					...options.hubWatch,
				})
			: undefined;
	let hub: HubState | undefined = watch ? hubState(watch.snapshot(), false) : undefined;
	const heard = (result: HubWatchResult, complete: boolean): HubState => {
		hub = hubState(result, complete);
		scan = {images: hubImages(result)};
		return hub;
	};
	return {
		get scan() {
			return scan;
		},
		get hub() {
			return hub;
		},
		get skipped() {
			return skipped;
		},
		async pollHub() {
			if (!watch) return undefined;
			const result = await watch.poll();
			return heard(result, true);
		},
		async pollHubAll(deadlineMs) {
			if (!watch) return undefined;
			const result = await watch.pollAll({deadlineMs});
			return heard(result, result.complete);
		},
		async read() {
			const [read, refused] = await Promise.all([reader.read(), registryLog.read()]);
			records.push(...read.records);
			loginFailures.push(...refused);
			skipped += read.skipped;
			return {changed: read.records.length > 0 || refused.length > 0, ...(read.problem ? {problem: read.problem} : {})};
		},
		async rescan() {
			if (opened.config.kind !== 'registry') return scan;
			const ca = opened.config.tls ? await readClassCa(opened.dir) : undefined;
			const result = await scanClass(opened.config, ca ? {ca} : {});
			// A failed scan keeps what the last one found.
			scan = result.ok ? {images: result.images, partial: result.partial} : {...(scan.images ? {images: scan.images} : {}), problem: result.problem};
			return scan;
		},
		view(now) {
			return classView({
				students: opened.students,
				steps: opened.steps,
				records,
				loginFailures,
				...(scan.images ? {scan: scan.images} : {}),
				now,
				stuckMinutes,
			});
		},
	};
}

/** How long class status and class export wait for Docker Hub, at most, before they show what they have. */
export const hubDeadlineMs = 8000;

/**
 * The class once: the whole log and a catalog scan (a Docker Hub class: every student's public repositories, for at most
 * `hubDeadlineMs`), folded at `now`. `now` is taken when the reads are done unless given.
 */
export async function classSnapshot(
	opened: OpenedClass,
	stuckMinutes: number,
	now?: number,
	options: ClassFeedOptions = {},
): Promise<{view: ClassView; now: number; scan: ScanState; hub?: HubState; skipped: number; problem?: string}> {
	const feed = createClassFeed(opened, stuckMinutes, {hubTimeoutMs: Math.min(5000, hubDeadlineMs), ...options});
	const [read, , hub] = await Promise.all([feed.read(), feed.rescan(), feed.pollHubAll(hubDeadlineMs)]);
	const at = now ?? Date.now();
	return {
		view: feed.view(at),
		now: at,
		scan: feed.scan,
		...(hub ? {hub} : {}),
		skipped: feed.skipped,
		...(read.problem ? {problem: read.problem} : {}),
	};
}

export const maxStuckMinutes = 24 * 60;

/** `--stuck MIN`: whole minutes, 1 to a day; a problem in words otherwise. */
export function stuckOption(value: string | undefined, fallback: number): {ok: true; minutes: number} | {ok: false; problem: string} {
	if (value === undefined) return {ok: true, minutes: fallback};
	if (!/^\d{1,4}$/.test(value.trim()) || Number(value) < 1 || Number(value) > maxStuckMinutes) {
		return {ok: false, problem: `--stuck must be whole minutes from 1 to ${maxStuckMinutes}, not '${value}'.`};
	}
	return {ok: true, minutes: Number(value)};
}
