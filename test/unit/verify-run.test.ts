import {describe, expect, it} from 'vitest';
import {verifyLine, verifyProgress, verifyVerdict} from '../../src/checks/verify-run.js';
import type {CheckResult} from '../../src/lesson/results.js';
import {parseLesson} from '../../src/lesson/load.js';
import type {Check, Lesson} from '../../src/lesson/schema.js';

const lesson = ((): Lesson => {
	const loaded = parseLesson(`
id: tiny
title: Tiny
steps:
  - id: intro
    title: Intro
    body: No check here.
  - id: hub-only
    title: Hub only
    registries: [hub]
    body: x
    check: {type: recorded, value: "{username}"}
  - id: account
    title: Account of {username}
    registries: [class]
    body: x
    check: {type: recorded, value: "{username}"}
  - id: push
    title: Push
    body: x
    inputs: [{id: target, label: Target}]
    check: {type: manifest, reference: "{target}"}
  - id: pull
    title: Pull
    body: x
    inputs: [{id: pullRef, label: Pull}]
    check: {type: local-image, reference: "{pullRef}"}
`);
	if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
	return loaded.lesson;
})();

/** Records what was asked; answers from a table by check type. */
function fakeChecks(answers: Partial<Record<Check['type'], CheckResult>>) {
	const asked: Check[] = [];
	return {
		asked,
		runCheck: async (check: Check): Promise<CheckResult> => {
			asked.push(check);
			return answers[check.type] ?? {ok: true, summary: `${check.type} ok`};
		},
	};
}

describe('verifyProgress', () => {
	it('checks, in order, only the steps with a check that apply to the registry kind, with templates filled', async () => {
		const fake = fakeChecks({});
		const report = await verifyProgress({
			lesson,
			registryKind: 'class',
			registry: 'r:5000',
			vars: {username: 'ann', target: 'r:5000/ann/x:1', pullRef: 'r:5000/bob/y:1'},
			runCheck: fake.runCheck,
		});
		expect(report.steps.map(step => step.id)).toEqual(['account', 'push', 'pull']);
		expect(report.steps[0]?.title).toBe('Account of ann');
		expect(fake.asked).toEqual([
			{type: 'recorded', value: 'ann'},
			{type: 'manifest', reference: 'r:5000/ann/x:1'},
			{type: 'local-image', reference: 'r:5000/bob/y:1'},
		]);
		expect(report).toMatchObject({lesson: 'tiny', registry: 'r:5000', ok: true});
	});

	it('a step whose variables were never saved is "not done yet", and its check is not run', async () => {
		const fake = fakeChecks({});
		const report = await verifyProgress({lesson, registryKind: 'class', registry: 'r:5000', vars: {username: 'ann'}, runCheck: fake.runCheck});
		expect(report.ok).toBe(false);
		expect(report.steps.filter(step => !step.ok).map(step => [step.id, step.summary, step.detail])).toEqual([
			['push', 'Not done yet.', 'Nothing was saved for {target}.'],
			['pull', 'Not done yet.', 'Nothing was saved for {pullRef}.'],
		]);
		expect(fake.asked).toHaveLength(1);
	});

	it('a failure carries the diagnosis cause and hint; without one, the first line of the detail is the hint', async () => {
		const fake = fakeChecks({
			manifest: {ok: false, summary: 'Not there.', detail: 'd', diagnosis: {cause: 'not-logged-in', title: 't', hint: 'Log in.'}},
			'local-image': {ok: false, summary: 'Gone.', detail: '\nPull it again.\nmore'},
		});
		const report = await verifyProgress({
			lesson,
			registryKind: 'class',
			registry: 'r',
			vars: {username: 'ann', target: 't', pullRef: 'p'},
			runCheck: fake.runCheck,
		});
		expect(report.steps[1]).toEqual({
			id: 'push',
			title: 'Push',
			status: 'fail',
			ok: false,
			summary: 'Not there.',
			detail: 'd',
			cause: 'not-logged-in',
			hint: 'Log in.',
		});
		expect(report.steps[2]).toMatchObject({ok: false, hint: 'Pull it again.'});
		expect(report.steps[2]).not.toHaveProperty('cause');
	});

	it('a registry known to be gone fails its registry checks with its own words, without asking it', async () => {
		const fake = fakeChecks({});
		const report = await verifyProgress({
			lesson,
			registryKind: 'practice',
			registry: '127.0.0.1:1',
			vars: {username: 'ann', target: 't', pullRef: 'p'},
			runCheck: fake.runCheck,
			registryGone: {summary: 'The practice registry is no longer running.', hint: 'Start again.'},
		});
		expect(report.steps.map(step => [step.id, step.ok])).toEqual([
			['push', false],
			['pull', true],
		]);
		expect(report.steps[0]).toMatchObject({summary: 'The practice registry is no longer running.', hint: 'Start again.'});
		expect(fake.asked.map(check => check.type)).toEqual(['local-image']);
	});

	it('notes a digest that differs from the one saved at the push, and still passes', async () => {
		const fake = fakeChecks({manifest: {ok: true, summary: 'The registry has t.\nDigest: sha256:new', facts: {digest: 'sha256:new'}}});
		const report = await verifyProgress({
			lesson,
			registryKind: 'class',
			registry: 'r',
			vars: {username: 'ann', target: 't', pullRef: 'p', digest: 'sha256:old'},
			runCheck: fake.runCheck,
		});
		expect(report.steps[1]?.ok).toBe(true);
		expect(report.steps[1]?.summary).toMatch(/not the digest saved when you pushed \(sha256:old\)/);
	});
});

describe('a check that could not be made', () => {
	it('is said as "could not check", status unknown; never a pass, even where a later step proves the same', async () => {
		const unknown = (mayGoOn: boolean) =>
			fakeChecks({
				recorded: {
					ok: false,
					couldNotCheck: true,
					mayGoOn,
					summary: 'Could not check with Docker Hub.',
					diagnosis: {cause: 'network', title: 't', hint: 'Check again online.'},
					did: 'GET http://hub.example/v2/users/ann/ → no answer',
				},
			});
		const vars = {username: 'ann', target: 't', pullRef: 'p'};
		for (const mayGoOn of [true, false]) {
			const report = await verifyProgress({lesson, registryKind: 'hub', registry: 'docker.io', vars, runCheck: unknown(mayGoOn).runCheck});
			expect(report.steps[0]).toMatchObject({id: 'hub-only', status: 'unknown', ok: false, couldNotCheck: true, cause: 'network'});
			expect(report.ok).toBe(false);
			expect(verifyLine(report.steps[0]!)).toBe('? could not check  Hub only: Could not check with Docker Hub. — Check again online.');
			expect(verifyLine(report.steps[0]!, true).split('\n')).toEqual([
				'? could not check  Hub only: Could not check with Docker Hub. — Check again online.',
				'    checked: GET http://hub.example/v2/users/ann/ → no answer',
			]);
		}
	});
});

describe('verifyLine and the verdict', () => {
	it('is one line: a pass, or a fail with its hint', () => {
		expect(verifyLine({id: 'a', title: 'Push', status: 'pass', ok: true, summary: 'Has it.\nDigest: sha256:1'})).toBe(
			'✔ pass  Push: Has it. · Digest: sha256:1',
		);
		expect(verifyLine({id: 'a', title: 'Push', status: 'fail', ok: false, summary: 'Not there.', hint: 'Push again.'})).toBe(
			'✘ fail  Push: Not there. — Push again.',
		);
	});

	it('counts the fails and the steps that could not be checked apart', () => {
		const step = (status: 'pass' | 'fail' | 'unknown') => ({id: 'a', title: 'A', status, ok: status === 'pass', summary: 's'});
		expect(verifyVerdict([step('pass'), step('pass')])).toBe('All 2 steps pass.');
		expect(verifyVerdict([step('pass'), step('fail'), step('unknown')])).toBe('1 of 3 steps fail; could not check 1 (not a fail: run verify again later).');
		expect(verifyVerdict([step('pass'), step('unknown')])).toBe('Could not check 1 of 2 steps (not a fail: run verify again later).');
	});
});
