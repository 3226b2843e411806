import {mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {RegistryRecord, ReportRecord} from '../../src/class/class-types.js';
import {openEventLog, type EventLog} from '../../src/class/event-log.js';

let dir = '';
let file = '';
const opened: EventLog[] = [];

beforeEach(async () => {
	dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-event-log-'));
	file = path.join(dir, 'events.jsonl');
});

afterEach(async () => {
	for (const log of opened.splice(0)) await log.close();
	await rm(dir, {recursive: true, force: true});
});

async function openLog(): Promise<EventLog> {
	const log = await openEventLog(file);
	opened.push(log);
	return log;
}

const push = (id: string): RegistryRecord => ({
	type: 'registry',
	id,
	at: '2026-01-05T10:00:00Z',
	action: 'push',
	actor: 'alice',
	repository: 'alice/hello',
	tag: '1.0',
	digest: `sha256:${'a'.repeat(64)}`,
	method: 'PUT',
});

const report = (id: string, username: string): ReportRecord => ({
	type: 'report',
	id,
	lesson: 'registries',
	step: 'login',
	outcome: 'pass',
	at: '2026-01-05T10:00:00Z',
	username,
	received: '2026-01-05T10:00:01Z',
});

const lines = async () => (await readFile(file, 'utf8')).split('\n').filter(Boolean);

describe('the event log', () => {
	it('appends one JSON line per record, on disk when append resolves, in a file only its owner reads', async () => {
		const log = await openLog();
		await log.append([push('event-1'), report('report-1', 'alice')]);
		expect((await lines()).map(line => JSON.parse(line) as unknown)).toEqual([push('event-1'), report('report-1', 'alice')]);
		expect((await stat(file)).mode & 0o777).toBe(0o600);
	});

	it('keeps a record once: a second append of the same id, even while the first is still being written, writes nothing more', async () => {
		const log = await openLog();
		await Promise.all([log.append([push('event-1')]), log.append([push('event-1')]), log.append([push('event-1'), push('event-2')])]);
		await log.append([push('event-1')]);
		expect((await lines()).map(line => (JSON.parse(line) as RegistryRecord).id)).toEqual(['event-1', 'event-2']);
		expect(log.stats().records).toBe(2);
	});

	it("dedupes a report by its student and id: another student's report with the same id is kept", async () => {
		const log = await openLog();
		await log.append([report('same-id-1', 'alice'), report('same-id-1', 'alice'), report('same-id-1', 'bob')]);
		expect((await lines()).map(line => (JSON.parse(line) as ReportRecord).username)).toEqual(['alice', 'bob']);
	});

	it('writes records that arrive during a write together in the next one: 100 appends at once take a few flushes', async () => {
		const log = await openLog();
		await Promise.all(Array.from({length: 100}, (_, index) => log.append([push(`event-${index}`)])));
		expect(await lines()).toHaveLength(100);
		expect(log.stats().flushes).toBeLessThanOrEqual(3);
		expect(log.stats().flushes).toBeGreaterThanOrEqual(1);
	});

	it('loads what it holds when opened again: its records, and their ids for dedupe', async () => {
		const first = await openLog();
		await first.append([push('event-1'), report('report-1', 'alice')]);
		await first.close();
		const again = await openLog();
		expect(again.loaded).toEqual([push('event-1'), report('report-1', 'alice')]);
		await again.append([push('event-1'), push('event-2')]);
		expect(await lines()).toHaveLength(3);
	});

	it('skips and counts a malformed line, and cuts off a torn last line so the next record starts a line of its own', async () => {
		await writeFile(file, `${JSON.stringify(push('event-1'))}\nnot json\n{"type":"registry"}\n{"type":"registry","id":"torn`);
		const log = await openLog();
		expect(log.loaded).toEqual([push('event-1')]);
		expect(log.stats()).toMatchObject({skippedLines: 2, tornTail: true, records: 1});
		await log.append([push('event-2')]);
		const text = await readFile(file, 'utf8');
		expect(text.endsWith(`\n${JSON.stringify(push('event-2'))}\n`)).toBe(true);
		expect(text).not.toContain('torn');
	});

	it('waits for what is queued before it closes', async () => {
		const log = await openLog();
		const appended = log.append([push('event-1')]);
		await log.close();
		await appended;
		expect(await lines()).toHaveLength(1);
		await expect(log.append([push('event-2')])).rejects.toThrow(/closed/);
	});
});
