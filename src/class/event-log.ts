/**
 * The class's event log, events.jsonl: one ClassRecord per line, appended, deduplicated by id, and on
 * disk before anyone is told it was kept. Writes are group commits: whatever is queued while one write
 * and its datasync are under way goes together in the next one, so a burst of a hundred posts costs a
 * few flushes, not a hundred.
 */
import {open, type FileHandle} from 'node:fs/promises';
import {parseRecord} from './class-log-read.js';
import type {ClassRecord} from './class-types.js';

export type EventLogStats = {
	/** Records kept (loaded at start and appended since). */
	readonly records: number;
	/** Write + datasync rounds since the log was opened. */
	readonly flushes: number;
	/** Lines of the file that were not a record, skipped when it was loaded. */
	readonly skippedLines: number;
	/** A last line without its newline (a write cut short), dropped when it was loaded. */
	readonly tornTail: boolean;
};

export type EventLog = {
	/** What the file held when it was opened (malformed lines left out). */
	readonly loaded: readonly ClassRecord[];
	/**
	 * Append the records not kept before (by `recordKey`), and resolve once they are on disk: a record
	 * already kept, or already on its way, resolves when that write is. Rejects when the write fails.
	 */
	append(records: readonly ClassRecord[]): Promise<void>;
	/** Whether a record with this key is kept (or on its way). */
	has(record: ClassRecord): boolean;
	stats(): EventLogStats;
	/** Wait for what is queued, then close the file. */
	close(): Promise<void>;
};

/**
 * What makes two records the same. A registry event's id is the registry's; a report's id is made by a
 * student's lab, so it is the same only for the same student (one student cannot hide another's report).
 */
export function recordKey(record: ClassRecord): string {
	if (record.type === 'report') return `report:${record.username}:${record.id}`;
	return `${record.type}:${record.id}`;
}

type Waiter = {readonly resolve: () => void; readonly reject: (error: unknown) => void};

/** Open (or make, 0600) the log, load what it holds, and cut off a torn last line so the next append starts a line. */
export async function openEventLog(file: string): Promise<EventLog> {
	const handle = await open(file, 'a+', 0o600);
	let content: string;
	try {
		await handle.chmod(0o600);
		content = await handle.readFile('utf8');
	} catch (error) {
		await handle.close();
		throw error;
	}
	const lines = content.split('\n');
	// The last piece has no newline: empty for a whole file, a torn write otherwise (never acknowledged).
	const torn = lines.pop() ?? '';
	if (torn.length > 0) await handle.truncate(Buffer.byteLength(content, 'utf8') - Buffer.byteLength(torn, 'utf8'));
	const loaded: ClassRecord[] = [];
	const keys = new Set<string>();
	let skippedLines = 0;
	for (const line of lines) {
		if (line.trim() === '') continue;
		const record = parseRecord(line);
		if (!record) {
			skippedLines += 1;
			continue;
		}
		const key = recordKey(record);
		if (keys.has(key)) continue;
		keys.add(key);
		loaded.push(record);
	}
	return eventLogOn(handle, loaded, keys, {skippedLines, tornTail: torn.length > 0});
}

function eventLogOn(handle: FileHandle, loaded: ClassRecord[], keys: Set<string>, found: {skippedLines: number; tornTail: boolean}): EventLog {
	let queue: {lines: string[]; keys: string[]; waiters: Waiter[]} = {lines: [], keys: [], waiters: []};
	/** Keys on their way to disk, and the write that carries each. */
	const inFlight = new Map<string, Promise<void>>();
	let writing: Promise<void> | undefined;
	let flushes = 0;
	let records = loaded.length;
	let closed = false;

	const writeQueued = async (): Promise<void> => {
		while (queue.lines.length > 0) {
			const batch = queue;
			queue = {lines: [], keys: [], waiters: []};
			try {
				await handle.write(batch.lines.join(''));
				await handle.datasync();
				flushes += 1;
				records += batch.lines.length;
				for (const key of batch.keys) inFlight.delete(key);
				for (const waiter of batch.waiters) waiter.resolve();
			} catch (error) {
				// Not kept: forget the keys, so the sender's retry is written.
				for (const key of batch.keys) {
					inFlight.delete(key);
					keys.delete(key);
				}
				for (const waiter of batch.waiters) waiter.reject(error);
			}
		}
	};

	const kick = (): void => {
		if (writing) return;
		writing = writeQueued().finally(() => {
			writing = undefined;
			// Records queued after the loop saw an empty queue.
			if (queue.lines.length > 0) kick();
		});
	};

	return {
		loaded,
		has: record => keys.has(recordKey(record)),
		append(appended) {
			if (closed) return Promise.reject(new Error('The event log is closed.'));
			const waits: Promise<void>[] = [];
			const added: string[] = [];
			for (const record of appended) {
				const key = recordKey(record);
				if (keys.has(key)) {
					const pending = inFlight.get(key);
					if (pending) waits.push(pending);
					continue;
				}
				keys.add(key);
				queue.lines.push(`${JSON.stringify(record)}\n`);
				queue.keys.push(key);
				added.push(key);
			}
			if (added.length > 0) {
				const written = new Promise<void>((resolve, reject) => queue.waiters.push({resolve, reject}));
				// Only this call's keys: the queue's others already name the write that carries them (the same one).
				for (const key of added) inFlight.set(key, written);
				// The same promise may be waited for by several appends; a rejection is seen by each of them.
				written.catch(() => undefined);
				waits.push(written);
				kick();
			}
			return Promise.all(waits).then(() => undefined);
		},
		stats: () => ({records, flushes, skippedLines: found.skippedLines, tornTail: found.tornTail}),
		async close() {
			if (closed) return;
			closed = true;
			while (writing) await writing;
			await handle.close();
		},
	};
}
