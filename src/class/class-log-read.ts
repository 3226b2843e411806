/**
 * Reading events.jsonl as the listener appends to it: from a byte offset, so each read takes only
 * what is new. A last line without its line break is torn (the listener is still writing it) and
 * waits for the rest; a malformed line or one longer than `maxLineBytes` is skipped and counted.
 */
import {open} from 'node:fs/promises';
import type {ClassRecord} from './class-types.js';

/** A record line is a few hundred bytes; one far longer is not the listener's. */
export const maxLineBytes = 64 * 1024;
/** Bytes read per call at most, so one read of a huge log does not hold it all at once. */
const chunkBytes = 1024 * 1024;
/** A text field of a record is at most this long (longer ones are cut). */
const maxField = 512;

export type LogRead = {
	/** The records of the lines completed since the last read, in the log's order. */
	readonly records: ClassRecord[];
	/** Lines that were not records (malformed, or too long). */
	readonly skipped: number;
	/** The log cannot be read (it not existing yet is not a problem: nothing is there yet). */
	readonly problem?: string;
};

export type LogReader = {
	/** Read what was appended since the last call (all of it, in chunks). */
	read(): Promise<LogRead>;
	/** The byte offset read up to (lines after it are not read yet, a torn line included). */
	readonly offset: number;
};

export function createLogReader(file: string): LogReader {
	let offset = 0;
	// The bytes of a line not ended yet; once it is longer than a line may be, only its end is waited for.
	let pending: Buffer[] = [];
	let pendingBytes = 0;
	let overlong = false;

	/** A whole line: a record, a blank line (nothing), or a skipped line (1). */
	const take = (line: Buffer, into: ClassRecord[]): number => {
		const text = line.toString('utf8');
		if (text.trim() === '') return 0;
		const record = parseRecord(text);
		if (!record) return 1;
		into.push(record);
		return 0;
	};

	const reader: LogReader = {
		get offset() {
			return offset;
		},
		async read() {
			const records: ClassRecord[] = [];
			let skipped = 0;
			let handle;
			try {
				handle = await open(file, 'r');
			} catch (error) {
				const code = (error as NodeJS.ErrnoException).code;
				return code === 'ENOENT' ? {records, skipped} : {records, skipped, problem: `${file} cannot be read (${code ?? String(error)}).`};
			}
			try {
				const {size} = await handle.stat();
				// A log made again (shorter than what was read): read it from the start.
				if (size < offset) {
					offset = 0;
					pending = [];
					pendingBytes = 0;
					overlong = false;
				}
				const buffer = Buffer.alloc(Math.min(chunkBytes, Math.max(1, size - offset)));
				while (offset < size) {
					const {bytesRead} = await handle.read(buffer, 0, Math.min(buffer.length, size - offset), offset);
					if (bytesRead === 0) break;
					offset += bytesRead;
					let start = 0;
					for (;;) {
						const end = buffer.indexOf(0x0a, start);
						if (end === -1 || end >= bytesRead) break;
						const piece = buffer.subarray(start, end);
						if (overlong || pendingBytes + piece.length > maxLineBytes) skipped++;
						else skipped += take(pendingBytes > 0 ? Buffer.concat([...pending, piece]) : piece, records);
						overlong = false;
						pending = [];
						pendingBytes = 0;
						start = end + 1;
					}
					if (start < bytesRead && !overlong) {
						const rest = Buffer.from(buffer.subarray(start, bytesRead));
						pendingBytes += rest.length;
						if (pendingBytes > maxLineBytes) {
							overlong = true;
							pending = [];
							pendingBytes = 0;
						} else pending.push(rest);
					}
				}
			} catch (error) {
				return {records, skipped, problem: `${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`};
			} finally {
				await handle.close();
			}
			return {records, skipped};
		},
	};
	return reader;
}

const isText = (value: unknown): value is string => typeof value === 'string';
const cut = (value: string): string => (value.length > maxField ? value.slice(0, maxField) : value);

/** One line as a ClassRecord, its fields checked and bounded; null when it is not one. */
export function parseRecord(line: string): ClassRecord | null {
	let data: unknown;
	try {
		data = JSON.parse(line);
	} catch {
		return null;
	}
	if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
	const value = data as Record<string, unknown>;
	if (!isText(value.id) || !isText(value.at)) return null;
	switch (value.type) {
		case 'registry': {
			if ((value.action !== 'push' && value.action !== 'pull') || !isText(value.actor) || !isText(value.repository) || !isText(value.digest)) return null;
			if (!isText(value.method) || (value.tag !== undefined && !isText(value.tag)) || (value.instance !== undefined && !isText(value.instance)))
				return null;
			return {
				type: 'registry',
				id: cut(value.id),
				at: cut(value.at),
				action: value.action,
				actor: cut(value.actor),
				repository: cut(value.repository),
				...(isText(value.tag) ? {tag: cut(value.tag)} : {}),
				digest: cut(value.digest),
				method: cut(value.method),
				...(isText(value.instance) ? {instance: cut(value.instance)} : {}),
			};
		}
		case 'report': {
			const outcome = value.outcome;
			if (outcome !== 'pass' && outcome !== 'fail' && outcome !== 'unknown') return null;
			if (!isText(value.username) || !isText(value.lesson) || !isText(value.step) || !isText(value.received)) return null;
			if (value.cause !== undefined && !isText(value.cause)) return null;
			return {
				type: 'report',
				id: cut(value.id),
				at: cut(value.at),
				username: cut(value.username),
				lesson: cut(value.lesson),
				step: cut(value.step),
				outcome,
				...(isText(value.cause) ? {cause: cut(value.cause)} : {}),
				received: cut(value.received),
			};
		}
		case 'session':
			if (!isText(value.username) || !isText(value.tokenHash)) return null;
			return {type: 'session', id: cut(value.id), at: cut(value.at), username: cut(value.username), tokenHash: cut(value.tokenHash)};
		default:
			return null;
	}
}
