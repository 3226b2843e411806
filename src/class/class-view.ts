/**
 * The class view: what each student is doing, folded from the event log (reports, registry events,
 * sessions) and a catalog scan. Pure: no I/O, the clock is given. What `class status`, `class export`
 * and `class dashboard` show, each in its own way; every text here that came from a record is the
 * record's own (the faces make it terminal-safe where they draw it).
 */
import type {ClassRecord, RegistryRecord, ReportRecord} from './class-types.js';
import type {LoginFailure} from './registry-log-read.js';

/** A step of the lesson as the class runs it (the lesson's steps for the class's kind of registry); `login`: its command is the login. */
export type ViewStep = {readonly id: string; readonly title: string; readonly login?: boolean};

/**
 * An image the catalog scan found: its time is unknown (it may have been pushed while no listener ran). In a Docker Hub
 * class, one the Hub watch found: with the time Docker Hub gives (`at`), and '' as its tag (digest) while unknown.
 */
export type ScannedImage = {readonly repository: string; readonly tag: string; readonly digest: string; readonly at?: string};

export type StudentState = 'done' | 'working' | 'failing' | 'stuck' | 'not-started';

export type Pushed = {readonly reference: string; readonly digest: string; readonly at: string | null};
export type Pulled = {readonly reference: string; readonly owner: string; readonly at: string};
/** A push by an account into a namespace that is not its own (htpasswd lets any account push anywhere). */
export type Stray = {readonly actor: string; readonly reference: string; readonly digest: string; readonly at: string};
export type TimelineEntry = {readonly at: string; readonly text: string};

export type StudentRow = {
	readonly username: string;
	/** The step they are on: 1-based number of `of`; null before any report. */
	readonly step: {readonly number: number; readonly of: number; readonly id: string; readonly title: string} | null;
	readonly state: StudentState;
	/** When failing: the step, the cause in words and how many fails in a row on that step. */
	readonly failure: {readonly step: string; readonly cause: string; readonly phrase: string; readonly count: number} | null;
	/** A login report passed, or the account appears in a registry event. */
	readonly loggedIn: boolean;
	/** Newest first. */
	readonly pushed: readonly Pushed[];
	/** Newest first. */
	readonly pulled: readonly Pulled[];
	readonly lastActivity: string | null;
	/** Started, not done, and nothing heard for stuckMinutes (a failing student may be stuck too). */
	readonly stuck: boolean;
	/** Their records, newest first (at most `timelineLimit`). */
	readonly timeline: readonly TimelineEntry[];
};

export type ClassView = {
	/** Sorted: failing and stuck first, then working, not started, done; then by name. */
	readonly students: readonly StudentRow[];
	/** Newest first. */
	readonly strays: readonly Stray[];
	readonly counts: Readonly<Record<StudentState, number>>;
};

export type ClassViewInput = {
	/** Usernames, roster order. */
	readonly students: readonly string[];
	readonly steps: readonly ViewStep[];
	/** In the order they were logged. */
	readonly records: readonly ClassRecord[];
	readonly scan?: readonly ScannedImage[];
	/** Logins the class registry refused, from its own log, in the log's order (a lab reports only after its login passed). */
	readonly loginFailures?: readonly LoginFailure[];
	/** Milliseconds since the epoch. */
	readonly now: number;
	readonly stuckMinutes: number;
};

export const timelineLimit = 200;
export const defaultStuckMinutes = 5;

/** A diagnosis cause (src/lesson/results.ts) in a few words for the projector; any other id is shown as it is. */
const causePhrases: Readonly<Record<string, string>> = {
	'engine-missing': 'no docker',
	'daemon-unreachable': 'docker not running',
	'daemon-permission': 'no permission for docker',
	'login-failed': 'wrong password',
	'not-logged-in': 'not logged in',
	'push-denied': 'push denied',
	'image-not-found': 'image not found',
	'local-image-missing': 'no such local image',
	'invalid-reference': 'bad image name',
	'rate-limited': 'rate limited',
	'http-vs-https': 'http vs https',
	'tls-untrusted': 'certificate not trusted',
	'credential-helper': 'credential helper',
	network: 'network',
	'disk-full': 'disk full',
	'platform-mismatch': 'wrong platform',
	unknown: 'unknown error',
};

/** A cause id in words; an id not in the table is itself, cut to 40 characters. */
export function causePhrase(cause: string | undefined): string {
	if (!cause) return 'failed';
	return Object.hasOwn(causePhrases, cause) ? causePhrases[cause]! : cause.length > 40 ? `${cause.slice(0, 39)}…` : cause;
}

/** `login: wrong password ×3` (no ×1). */
export function failureText(failure: NonNullable<StudentRow['failure']>): string {
	return `${failure.step}: ${failure.phrase}${failure.count > 1 ? ` ×${failure.count}` : ''}`;
}

const rank: Readonly<Record<StudentState, number>> = {failing: 0, stuck: 0, working: 1, 'not-started': 2, done: 3};

const time = (at: string | null | undefined): number => {
	const ms = at ? Date.parse(at) : NaN;
	return Number.isFinite(ms) ? ms : -Infinity;
};

/** The account that did it: the report's or session's username, the registry event's actor. */
const whoseRecord = (record: ClassRecord): string => (record.type === 'registry' ? record.actor : record.username);
/** When it happened, on the class's own clock (a report: when the listener received it). */
const whenRecord = (record: ClassRecord): string => (record.type === 'report' ? record.received : record.at);

const namespaceOf = (repository: string): string | null => {
	const slash = repository.indexOf('/');
	return slash > 0 ? repository.slice(0, slash) : null;
};

/** A manifest push with a tag: what counts as a push (a push by digest alone, or a blob, does not). */
const isTaggedPush = (record: RegistryRecord): boolean => record.action === 'push' && typeof record.tag === 'string' && record.tag.length > 0;
const referenceOf = (record: RegistryRecord): string => (record.tag ? `${record.repository}:${record.tag}` : `${record.repository}@${record.digest}`);

export function classView(input: ClassViewInput): ClassView {
	const roster = new Set(input.students);
	const byStudent = new Map<string, ClassRecord[]>(input.students.map(name => [name, []]));
	const strays: Stray[] = [];
	const pushedReferences = new Set<string>();
	const seen = new Set<string>();
	for (const record of input.records) {
		// Delivery is at least once, and a report may be sent twice: each id once.
		const key = `${record.type}:${record.id}`;
		if (seen.has(key)) continue;
		seen.add(key);
		if (record.type === 'registry' && isTaggedPush(record)) {
			pushedReferences.add(referenceOf(record));
			if (namespaceOf(record.repository) !== record.actor) {
				strays.push({actor: record.actor, reference: referenceOf(record), digest: record.digest, at: record.at});
			}
		}
		const who = whoseRecord(record);
		if (roster.has(who)) byStudent.get(who)!.push(record);
	}
	const rows = input.students.map(username => studentRow(username, byStudent.get(username) ?? [], input, pushedReferences));
	const counts: Record<StudentState, number> = {done: 0, working: 0, failing: 0, stuck: 0, 'not-started': 0};
	for (const row of rows) counts[row.state]++;
	rows.sort((a, b) => rank[a.state] - rank[b.state] || (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
	strays.sort((a, b) => time(b.at) - time(a.at));
	return {students: rows, strays, counts};
}

function studentRow(username: string, records: readonly ClassRecord[], input: ClassViewInput, pushedReferences: ReadonlySet<string>): StudentRow {
	const {steps} = input;
	const stepIndex = new Map(steps.map((step, index) => [step.id, index]));
	const loginIndex = steps.findIndex(step => step.login === true);
	const loginStep = loginIndex >= 0 ? steps[loginIndex]! : undefined;
	const reports = records.filter((record): record is ReportRecord => record.type === 'report' && stepIndex.has(record.step));
	const registry = records.filter((record): record is RegistryRecord => record.type === 'registry');

	// The step they are on: the newest report's step, or the next one when it passed.
	const newest = reports.at(-1);
	let at: number | null = null;
	let done = false;
	if (newest) {
		const index = stepIndex.get(newest.step)!;
		if (newest.outcome === 'pass') {
			if (index === steps.length - 1) done = true;
			at = Math.min(index + 1, steps.length - 1);
		} else at = index;
	}

	let failure: StudentRow['failure'] = null;
	if (newest && newest.outcome === 'fail') {
		let count = 0;
		for (let i = reports.length - 1; i >= 0; i--) {
			const report = reports[i]!;
			if (report.step !== newest.step) continue;
			if (report.outcome === 'pass') break;
			if (report.outcome === 'fail') count++;
		}
		failure = {step: newest.step, cause: newest.cause ?? '', phrase: causePhrase(newest.cause), count};
	}

	// Logins the registry refused since the newest report: the lab has not been able to report them yet.
	const heardAt = newest ? time(newest.received) : -Infinity;
	const refused = (input.loginFailures ?? []).filter(entry => entry.username === username);
	const refusedSince = refused.filter(entry => time(entry.at) > heardAt);
	if (loginStep && refusedSince.length > 0) {
		at = loginIndex;
		done = false;
		failure = {step: loginStep.id, cause: 'login-failed', phrase: causePhrase('login-failed'), count: refusedSince.length};
	}

	const loggedIn = registry.length > 0 || reports.some(report => report.outcome === 'pass' && loginIndex >= 0 && stepIndex.get(report.step)! >= loginIndex);

	const pushed = new Map<string, Pushed>();
	const pulled = new Map<string, Pulled>();
	for (const record of registry) {
		const namespace = namespaceOf(record.repository);
		if (isTaggedPush(record) && namespace === username) {
			const reference = referenceOf(record);
			pushed.delete(reference);
			pushed.set(reference, {reference, digest: record.digest, at: record.at});
		} else if (record.action === 'pull' && namespace !== null && namespace !== username) {
			// One docker pull asks for the tag (HEAD) and then for that manifest by its digest (GET): one pull, named by its tag.
			const key = `${record.repository}@${record.digest}`;
			const reference = record.tag ? referenceOf(record) : (pulled.get(key)?.reference ?? referenceOf(record));
			pulled.delete(key);
			pulled.set(key, {reference, owner: namespace, at: record.at});
		}
	}
	const scanned = (input.scan ?? [])
		.filter(image => namespaceOf(image.repository) === username)
		.map(image => ({reference: image.tag ? `${image.repository}:${image.tag}` : image.repository, digest: image.digest, at: image.at ?? null}))
		.filter(image => !pushedReferences.has(image.reference));

	let last = -Infinity;
	let lastActivity: string | null = null;
	for (const when of [...records.map(whenRecord), ...refused.map(entry => entry.at)]) {
		if (time(when) > last) {
			last = time(when);
			lastActivity = when;
		}
	}
	const started = records.length > 0 || refused.length > 0;
	const stuck = started && !done && last > -Infinity && input.now - last >= input.stuckMinutes * 60_000;
	const state: StudentState = done ? 'done' : failure ? 'failing' : stuck ? 'stuck' : started ? 'working' : 'not-started';
	const step = at === null ? null : {number: at + 1, of: steps.length, id: steps[at]!.id, title: steps[at]!.title};

	const timeline = [
		...records.map((record, order) => ({at: whenRecord(record), text: describeRecord(record, username), order})),
		...refused.map((entry, order) => ({at: entry.at, text: 'login refused by the class registry (wrong password)', order: records.length + order})),
	]
		.sort((a, b) => time(b.at) - time(a.at) || b.order - a.order)
		.slice(0, timelineLimit)
		.map(({at: when, text}) => ({at: when, text}));

	return {
		username,
		step,
		state,
		failure,
		loggedIn,
		pushed: [...[...pushed.values()].reverse(), ...scanned],
		pulled: [...pulled.values()].reverse(),
		lastActivity,
		stuck,
		timeline,
	};
}

/** One line of a student's timeline. */
function describeRecord(record: ClassRecord, username: string): string {
	switch (record.type) {
		case 'report':
			if (record.outcome === 'pass') return `${record.step}: passed`;
			if (record.outcome === 'fail') return `${record.step}: failed (${causePhrase(record.cause)})`;
			return `${record.step}: could not check${record.cause ? ` (${causePhrase(record.cause)})` : ''}`;
		case 'session':
			return 'connected to the class';
		case 'registry': {
			const reference = referenceOf(record);
			if (record.action === 'push') {
				const into = namespaceOf(record.repository);
				return `pushed ${reference}${record.tag ? '' : ' (no tag)'}${into !== username ? ` into ${into ?? 'no namespace'}'s namespace` : ''}`;
			}
			return `pulled ${reference}`;
		}
	}
}

/** The short digest shown in a table: the first 12 hex digits. */
export function shortDigest(digest: string): string {
	const hex = digest.includes(':') ? digest.slice(digest.indexOf(':') + 1) : digest;
	return hex.slice(0, 12);
}

/** How long ago, in a few characters: `now`, `45s ago`, `3m ago`, `2h ago`, `4d ago`; `-` when never. */
export function ago(at: string | null, now: number): string {
	const ms = time(at);
	if (ms === -Infinity) return '-';
	const seconds = Math.max(0, Math.floor((now - ms) / 1000));
	if (seconds < 5) return 'now';
	if (seconds < 60) return `${seconds}s ago`;
	if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
	if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ago`;
	return `${Math.floor(seconds / 86_400)}d ago`;
}

export const stateWords: Readonly<Record<StudentState, string>> = {
	done: 'done',
	working: 'working',
	failing: 'failing',
	stuck: 'stuck',
	'not-started': 'not started',
};

/** The cells of a student's row, as both the text table and the dashboard show them. */
export type RowCells = {
	readonly name: string;
	readonly step: string;
	readonly state: string;
	readonly pushed: string;
	readonly pulled: string;
	readonly last: string;
};

/** `hello:1.0 3f2a9c1 2m ago`: their own namespace goes without saying; a scanned push has no time (a Hub one may have no digest). */
const pushedCell = (image: Pushed, username: string, now: number): string =>
	[image.reference.slice(username.length + 1), shortDigest(image.digest).slice(0, 7), image.at ? ago(image.at, now) : ''].filter(Boolean).join(' ');

export function rowCells(row: StudentRow, now: number): RowCells {
	const latest = row.pushed[0];
	const pull = row.pulled[0];
	const more = (count: number) => (count > 1 ? ` +${count - 1}` : '');
	const state =
		row.state === 'failing' && row.failure
			? `failing ${failureText(row.failure)}${row.stuck ? ' (stuck)' : ''}`
			: row.state === 'stuck'
				? `stuck ${ago(row.lastActivity, now).replace(' ago', '')}`
				: stateWords[row.state];
	return {
		name: row.username,
		step: row.step ? `${row.step.number}/${row.step.of} ${row.step.title}` : '-',
		state,
		pushed: latest ? `${pushedCell(latest, row.username, now)}${more(row.pushed.length)}` : '-',
		pulled: pull ? `${pull.reference}${more(row.pulled.length)}` : '-',
		last: ago(row.lastActivity, now),
	};
}

export const columnTitles: RowCells = {name: 'STUDENT', step: 'STEP', state: 'STATE', pushed: 'PUSHED', pulled: 'PULLED', last: 'LAST'};
const columnOrder = ['name', 'step', 'state', 'pushed', 'pulled', 'last'] as const;

/**
 * Column widths that fit `columns` (one space between columns): each column takes what it needs;
 * when they do not fit, the widest for its weight gives way first (the state, with its cause, weighs most).
 */
export function columnWidths(rows: readonly RowCells[], columns: number): Record<keyof RowCells, number> {
	const widths = Object.fromEntries(columnOrder.map(key => [key, Math.max(columnTitles[key].length, ...rows.map(row => [...row[key]].length))])) as Record<
		keyof RowCells,
		number
	>;
	// The state, with its cause, is what the view is for: it gives way last, and not below 36 characters.
	const least: Record<keyof RowCells, number> = {name: 8, step: 8, state: Math.min(widths.state, 36), pushed: 8, pulled: 6, last: 9};
	const weight: Record<keyof RowCells, number> = {name: 1.2, step: 2, state: 5, pushed: 2.5, pulled: 1.2, last: 1};
	const room = Math.max(0, columns - (columnOrder.length - 1));
	let total = columnOrder.reduce((sum, key) => sum + widths[key], 0);
	while (total > room) {
		let widest: keyof RowCells | undefined;
		for (const key of columnOrder) {
			if (widths[key] > least[key] && (!widest || widths[key] / weight[key] > widths[widest] / weight[widest])) widest = key;
		}
		if (!widest) break;
		widths[widest]--;
		total--;
	}
	return widths;
}

/** A cell cut or padded to its width (by code points); cut text ends with …. */
export function fitCell(text: string, width: number): string {
	const chars = [...text];
	if (chars.length > width) return `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
	return text + ' '.repeat(width - chars.length);
}

export function tableLine(cells: RowCells, widths: Record<keyof RowCells, number>): string {
	return columnOrder
		.map(key => fitCell(cells[key], widths[key]))
		.join(' ')
		.trimEnd();
}

/** The counts line: `2 done · 3 working · 1 failing · 0 stuck · 4 not started`. */
export function countsText(counts: ClassView['counts']): string {
	return (['done', 'working', 'failing', 'stuck', 'not-started'] as const).map(state => `${counts[state]} ${stateWords[state]}`).join(' · ');
}

const two = (value: number): string => String(value).padStart(2, '0');

/** HH:MM:SS on this machine's clock; the text itself when it is not a time. */
export function clockTime(at: string): string {
	const date = new Date(at);
	return Number.isNaN(date.getTime()) ? at : `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

/**
 * A Docker Hub class's watch, as last heard: `limited`, Docker Hub asked to wait (no request before `until`, ISO 8601);
 * `complete`, every student's public repositories were read; `missing`, the students Docker Hub has no account for;
 * `problem`, why the last check of a student not read failed.
 */
export type HubState = {
	readonly complete: boolean;
	readonly limited: boolean;
	readonly until: string | null;
	readonly missing: readonly string[];
	readonly problem?: string;
};

/** The Hub watch in words, most urgent first: the rate limit, the students not read, the accounts Docker Hub does not have. */
export function hubLines(hub: HubState, now: number): string[] {
	const lines: string[] = [];
	if (hub.limited) {
		const left = hub.until ? Math.max(0, Math.ceil((Date.parse(hub.until) - now) / 1000)) : NaN;
		const within = left < 60 ? `${left}s` : `${Math.ceil(left / 60)} min`;
		const until = hub.until && Number.isFinite(left) ? ` until ${clockTime(hub.until)} (in ${within})` : '';
		lines.push(`Docker Hub is rate-limiting: no request${until}; PUSHED shows what was read before.`);
	}
	if (!hub.complete) {
		lines.push(`Not every student's repositories have been read from Docker Hub${hub.problem ? ` (${hub.problem})` : ''}: PUSHED shows what was read.`);
	}
	if (hub.missing.length > 0) {
		const shown = hub.missing.slice(0, 5).join(', ') + (hub.missing.length > 5 ? ` and ${hub.missing.length - 5} more` : '');
		lines.push(`Docker Hub has no account ${shown}: check the spelling in the roster.`);
	}
	return lines;
}

/** A stray push in words: `alice pushed bob/hello:1.0`. */
export function strayText(stray: Stray): string {
	return `${stray.actor || 'someone not logged in'} pushed ${stray.reference}`;
}

/** The table as plain lines that fit `columns`: a title row, then a row per student. */
export function tableLines(view: ClassView, now: number, columns: number): string[] {
	const cells = view.students.map(row => rowCells(row, now));
	const widths = columnWidths(cells, columns);
	return [tableLine(columnTitles, widths), ...cells.map(row => tableLine(row, widths))];
}

/** What `class status --json` prints for each student, and its strays. */
export function viewJson(view: ClassView): {students: unknown[]; strays: Stray[]} {
	return {
		students: view.students.map(row => ({
			username: row.username,
			step: row.step,
			state: row.state,
			cause: row.failure ? failureText(row.failure) : null,
			loggedIn: row.loggedIn,
			pushed: row.pushed,
			pulled: row.pulled,
			lastActivity: row.lastActivity,
			stuck: row.stuck,
		})),
		strays: [...view.strays],
	};
}
