/**
 * The class roster: a plain list (one name per line, blank lines and `#` comments allowed) or a CSV with a
 * header row (the column `username`, else `name`). Names are taken as written: a name that cannot be an
 * account is refused with its file and line and a name that would do, never changed behind the teacher's back.
 */
import {readFile, stat} from 'node:fs/promises';
import {fitting, pathComponent} from '../container/validate-input.js';
import {isHubUsername} from '../registry/hub-username.js';
import {instructorAccount, type ClassKind} from './class-types.js';

/** A roster larger than this is not a roster (a class is tens of names, not a megabyte). */
export const maxRosterBytes = 1024 * 1024;
/** The longest username of a registry class: a path component of HOST/USERNAME/REPOSITORY (255 in all). */
export const maxUsernameLength = 64;

export type RosterEntry = {readonly name: string; readonly line: number};
export type RosterResult = {readonly ok: true; readonly entries: readonly RosterEntry[]} | {readonly ok: false; readonly problems: readonly string[]};

/** Read and check a roster file; every problem names FILE:LINE (the file as it was given). */
export async function readRoster(file: string, kind: ClassKind): Promise<RosterResult> {
	try {
		const info = await stat(file);
		if (info.isDirectory()) return refused(`${file} is a folder, not a roster: give the roster file (one name per line, or a CSV).`);
		if (info.size > maxRosterBytes) {
			return refused(`${file} is larger than 1 MB (${info.size} bytes): a roster is one name per line. Is it the right file?`);
		}
		const text = await readFile(file, 'utf8');
		return parseRoster(text, file, kind, isCsvName(file));
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT' || code === 'ENOTDIR') return refused(`${file}: there is no such file. Check the name and the folder.`);
		return refused(`${file} cannot be read (${code ?? String(error)}).`);
	}
}

const refused = (problem: string): RosterResult => ({ok: false, problems: [problem]});

const isCsvName = (file: string) => /\.csv$/i.test(file);

/**
 * Check a roster's text. It is a CSV when the file is named *.csv or its first line has a `username` or
 * `name` column; otherwise a plain list.
 */
export function parseRoster(text: string, label: string, kind: ClassKind, csvByName = false): RosterResult {
	const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
	const firstLine = body.split(/\r?\n/).find(line => line.trim() !== '') ?? '';
	const csv = csvByName || splitCsvLine(firstLine).some(cell => ['username', 'name'].includes(cell.trim().toLowerCase()));
	const read = csv ? csvNames(body, label) : listNames(body);
	if (!read.ok) return read;
	if (read.entries.length === 0) {
		return refused(`${label}: there are no students in it. Write one name per line${csv ? ' under the header row' : ''}.`);
	}
	return checkNames(read.entries, label, kind);
}

/** A plain list: one name per line; blank lines and lines starting with # are skipped. */
function listNames(text: string): {ok: true; entries: RosterEntry[]} {
	const entries: RosterEntry[] = [];
	for (const [index, raw] of text.split(/\r?\n/).entries()) {
		const name = raw.trim();
		if (name === '' || name.startsWith('#')) continue;
		entries.push({name, line: index + 1});
	}
	return {ok: true, entries};
}

/** A CSV with a header row: the `username` column (else `name`), case-insensitive; other columns are ignored. */
function csvNames(text: string, label: string): RosterResult {
	const records = csvRecords(text);
	if (!records.ok) return refused(`${label}:${records.line}: a quoted field is not closed (a " is missing); close it.`);
	const [header, ...rows] = records.rows;
	if (!header) return refused(`${label}: there are no students in it. Write a header row (username) and one name per line.`);
	const columns = header.cells.map(cell => cell.trim().toLowerCase());
	const column = columns.includes('username') ? columns.indexOf('username') : columns.indexOf('name');
	if (column < 0) {
		const shown = header.cells.map(cell => cell.trim()).join(', ');
		return refused(
			`${label}:${header.line}: there is no username or name column (the header is: ${shown.length > 200 ? `${shown.slice(0, 200)}…` : shown}). ` +
				'Add a column named username.',
		);
	}
	const problems: string[] = [];
	const entries: RosterEntry[] = [];
	for (const row of rows) {
		if (row.cells.length === 1 && row.cells[0]!.trim() === '') {
			problems.push(`${label}:${row.line}: an empty line; remove it (a CSV roster has one student per row).`);
			continue;
		}
		const name = (row.cells[column] ?? '').trim();
		if (name === '') {
			problems.push(`${label}:${row.line}: the ${columns[column]} column is empty; fill it in or remove the row.`);
			continue;
		}
		entries.push({name, line: row.line});
	}
	return problems.length > 0 ? {ok: false, problems} : {ok: true, entries};
}

type CsvRow = {readonly cells: string[]; readonly line: number};

/** RFC 4180 records: quoted fields may hold commas, "" and line breaks; each row keeps the line it starts on. The last line break ends the file, not a row. */
function csvRecords(text: string): {ok: true; rows: CsvRow[]} | {ok: false; line: number} {
	const rows: CsvRow[] = [];
	const content = text.replace(/\r?\n$/, '');
	if (content === '') return {ok: true, rows};
	let cells: string[] = [];
	let cell = '';
	let line = 1;
	let rowLine = 1;
	let quoted = false;
	let quoteLine = 1;
	for (let index = 0; index < content.length; index++) {
		const char = content[index]!;
		if (quoted) {
			if (char === '"' && content[index + 1] === '"') {
				cell += '"';
				index++;
			} else if (char === '"') quoted = false;
			else {
				if (char === '\n') line++;
				cell += char;
			}
			continue;
		}
		if (char === '"' && cell.trim() === '') {
			quoted = true;
			quoteLine = line;
			cell = '';
		} else if (char === ',') {
			cells.push(cell);
			cell = '';
		} else if (char === '\n' || char === '\r') {
			if (char === '\r' && content[index + 1] === '\n') index++;
			cells.push(cell);
			rows.push({cells, line: rowLine});
			cells = [];
			cell = '';
			line++;
			rowLine = line;
		} else cell += char;
	}
	if (quoted) return {ok: false, line: quoteLine};
	cells.push(cell);
	rows.push({cells, line: rowLine});
	return {ok: true, rows};
}

/** The cells of one line, for telling a CSV header (no quoted line breaks needed there). */
function splitCsvLine(line: string): string[] {
	const read = csvRecords(line);
	return read.ok ? (read.rows[0]?.cells ?? []) : [];
}

/** Every name checked: grammar, reserved, duplicates (case-insensitive). Every bad line is named. */
function checkNames(entries: readonly RosterEntry[], label: string, kind: ClassKind): RosterResult {
	const taken = new Set(entries.map(entry => entry.name.toLowerCase()));
	const firstLine = new Map<string, RosterEntry>();
	const problems: string[] = [];
	for (const entry of entries) {
		const key = entry.name.toLowerCase();
		const earlier = firstLine.get(key);
		if (earlier) {
			const as = earlier.name === entry.name ? '' : ` as ${quoted(earlier.name)} (image names are lowercase, so they would be the same)`;
			const instead = kind === 'hub' ? 'remove one of them' : `remove one, or name this one '${freeName(entry.name, taken, entry.line, false)}'`;
			problems.push(`${label}:${entry.line}: ${quoted(entry.name)} is already on line ${earlier.line}${as}; ${instead}.`);
			continue;
		}
		firstLine.set(key, entry);
		const problem = nameProblem(entry.name, kind, taken, entry.line);
		if (problem) problems.push(`${label}:${entry.line}: ${problem}`);
	}
	return problems.length > 0 ? {ok: false, problems} : {ok: true, entries};
}

/**
 * Why `name` cannot be a student's account in a class of this kind, with a name that can (one the same check
 * accepts and `taken` does not hold); undefined when it can be one. `taken`: lowercase names already in use.
 */
export function nameProblem(name: string, kind: ClassKind, taken: ReadonlySet<string>, line = 0): string | undefined {
	const shown = quoted(name);
	if (name.toLowerCase() === instructorAccount) {
		return kind === 'hub'
			? `${shown} is the name of the instructor's own account (reserved); a student with this Docker ID cannot join: ask them for another.`
			: `${shown} is the instructor's own account (reserved); use '${freeName(`${instructorAccount}2`, taken, line)}'.`;
	}
	if (kind === 'hub') {
		if (isHubUsername(name)) return undefined;
		const guess = hubGuess(name, taken);
		const rule = 'a Docker Hub username is 4 to 30 lowercase letters and digits';
		return guess
			? `${shown} cannot be a Docker Hub username (${rule}); is it '${guess}'?`
			: `${shown} cannot be a Docker Hub username (${rule}); ask the student for their Docker ID (shown at the top right of hub.docker.com).`;
	}
	if (name.length > maxUsernameLength) {
		return `${shown} is longer than ${maxUsernameLength} characters, too long for a username in image names; use '${freeName(name, taken, line)}'.`;
	}
	if (pathComponent.test(name)) return undefined;
	return `${shown} cannot be a username in image names; use '${freeName(name, taken, line)}'.`;
}

/** Whether `name` is a username a class of this kind accepts (what every suggestion must pass). */
export function isAcceptedName(name: string, kind: ClassKind): boolean {
	if (name.toLowerCase() === instructorAccount) return false;
	return kind === 'hub' ? isHubUsername(name) : name.length <= maxUsernameLength && pathComponent.test(name);
}

/**
 * A registry-class name made from `name` that the grammar accepts and nobody has: 'Ana Maria' → 'ana-maria'.
 * `ownIsFree`: the name's own lowercase form is in `taken` only because of this name (not a duplicate's).
 */
function freeName(name: string, taken: ReadonlySet<string>, line: number, ownIsFree = true): string {
	const kind = 'registry';
	const base =
		fitting(name)
			.slice(0, maxUsernameLength - 4)
			.replace(/[._-]+$/, '') || `student-${line || 1}`;
	const fits = (candidate: string) => isAcceptedName(candidate, kind) && ((ownIsFree && candidate === name.toLowerCase()) || !taken.has(candidate));
	if (fits(base)) return base;
	for (let count = 2; ; count++) {
		const candidate = `${base}-${count}`;
		if (fits(candidate)) return candidate;
	}
}

/** A Docker Hub username the text may stand for (lowercase, only letters and digits), or undefined when none fits. */
function hubGuess(name: string, taken: ReadonlySet<string>): string | undefined {
	const guess = name
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]/g, '');
	return isHubUsername(guess) && guess !== instructorAccount && (guess === name.toLowerCase() || !taken.has(guess)) ? guess : undefined;
}

function quoted(text: string): string {
	return text.length > 40 ? `'${text.slice(0, 40)}…'` : `'${text}'`;
}
