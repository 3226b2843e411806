import {describe, expect, it} from 'vitest';
import {decodeCompletionCode} from '../../src/checks/completion-code.js';
import {completionOf, practiceNoCode, recordChecks} from '../../src/checks/verify-completion.js';
import {verifyProgress, type VerifyReport} from '../../src/checks/verify-run.js';
import type {CheckResult} from '../../src/lesson/results.js';
import type {Check} from '../../src/lesson/schema.js';
import {lessonFrom} from '../helpers/lesson.js';

// A lesson whose names are its own (no {target}, no {pullRef}): the code follows the checks, not variable names.
const lesson = lessonFrom(`
id: exchange
title: Exchange
steps:
  - id: send
    title: Send
    body: Push.
    inputs: [{id: mine, label: Yours}]
    check: {type: manifest, reference: "{mine}"}
  - id: fetch
    title: Fetch
    body: Pull.
    inputs: [{id: theirs, label: Whose}]
    check: {type: classmate-image, reference: "{theirs}", username: "{username}"}
`);
const digest = `sha256:${'fedcba9876543210'.repeat(4)}`;

/** verifyProgress with checks that all pass (the manifest check with its digest), as verify runs it. */
async function verified(registry: string, registryKind: 'class' | 'hub' | 'practice', pass = true) {
	const checks = recordChecks(async (check: Check): Promise<CheckResult> => {
		if (!pass) return {ok: false, summary: 'no'};
		return check.type === 'manifest' ? {ok: true, summary: 'there', facts: {digest}} : {ok: true, summary: 'here'};
	});
	const prefix = registryKind === 'hub' ? '' : `${registry}/`;
	const report: VerifyReport = await verifyProgress({
		lesson,
		registryKind,
		registry,
		vars: {username: 'alice', mine: `${prefix}alice/box:7`, theirs: `${prefix}bob/box:7`},
		runCheck: checks.run,
	});
	return {report, checks: checks.results};
}

describe('the completion code verify prints', () => {
	it('a class run: the pushed reference and digest from the manifest check, the pull from the classmate-image check, the time its step passed', async () => {
		const {report, checks} = await verified('10.1.2.3:5000', 'class');
		const completion = completionOf({
			lesson,
			registryKind: 'class',
			registry: '10.1.2.3:5000',
			report,
			checks,
			passedAt: {fetch: '2026-03-02T10:04:31.000Z'},
		});
		const code = completion.json.completionCode!;
		expect(completion.lines).toContain(`  ${code}`);
		expect(completion.lines.join('\n')).toContain(
			'It says you pushed 10.1.2.3:5000/alice/box:7 (sha256:fedcba987654) and pulled 10.1.2.3:5000/bob/box:7 (2026-03-02 10:04 UTC)',
		);
		expect(decodeCompletionCode(code)).toEqual({
			ok: true,
			claim: {
				lesson: 'exchange',
				registry: '10.1.2.3:5000',
				username: 'alice',
				pushed: '10.1.2.3:5000/alice/box:7',
				digest: 'sha256:fedcba987654',
				pulled: '10.1.2.3:5000/bob/box:7',
				pulledAt: '2026-03-02T10:04:00.000Z',
			},
		});
	});

	it('a Docker Hub run gets a code too', async () => {
		const {report, checks} = await verified('docker.io', 'hub');
		const code = completionOf({lesson, registryKind: 'hub', registry: 'docker.io', report, checks}).json.completionCode!;
		expect(decodeCompletionCode(code)).toMatchObject({ok: true, claim: {registry: 'docker.io', pushed: 'alice/box:7', pulled: 'bob/box:7'}});
	});

	it('a practice run gets none, and is told why', async () => {
		const {report, checks} = await verified('127.0.0.1:41234', 'practice');
		const completion = completionOf({lesson, registryKind: 'practice', registry: '127.0.0.1:41234', report, checks});
		expect(completion).toEqual({lines: ['', practiceNoCode], json: {}});
		expect(practiceNoCode).toContain('the practice registry stopped when the lesson ended');
	});

	it('a run with a step that fails gets nothing', async () => {
		const {report, checks} = await verified('10.1.2.3:5000', 'class', false);
		expect(report.ok).toBe(false);
		expect(completionOf({lesson, registryKind: 'class', registry: '10.1.2.3:5000', report, checks})).toEqual({lines: [], json: {}});
	});
});
